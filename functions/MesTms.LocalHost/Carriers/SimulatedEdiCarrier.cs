using System.Globalization;
using MesTms.Domain.Edi;
using MesTms.Domain.Shipments;
using MesTms.Pipeline.Carriers;
using MesTms.Pipeline.Edi;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MesTms.LocalHost.Carriers;

/// <summary>
/// Simulated carriers that trade X12 through their drop folders (<see cref="SimulatedCarrierOptions.EdiCarriers"/>), as a
/// carrier's translator would: each interchange the bridge drops in <c>outbound/</c> is taken (moved to <c>outbound/read/</c>)
/// and acknowledged with a 997 in <c>inbound/</c>; an original 204 is answered after the carrier's delay with a 990 (accept
/// or decline, drawn like the JSON carriers' answers), and an accepted one is followed by 214s as the statuses run.
/// </summary>
public sealed class SimulatedEdiCarrier(SimulatedCarrierOptions simulation, CarrierOptions carriers, SimulatedCarrierStatuses statuses, TimeProvider clock,
    ILogger<SimulatedEdiCarrier> logger) : BackgroundService
{
    int control;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (string scac in simulation.EdiCarriers)
        {
            logger.LogInformation("Simulated EDI carrier {Scac} trades X12 in {Folder}", scac, carriers.Edi[scac].DropFolder);
        }

        // Wakes when the bridge drops an interchange, as a translator watching its mailbox would, and polls in any case.
        using var changes = new FolderChanges(simulation.EdiCarriers.Select(scac => Path.Combine(carriers.Edi[scac].DropFolder!, "outbound")));
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (string scac in simulation.EdiCarriers)
            {
                try
                {
                    await TakeAsync(scac, carriers.Edi[scac].DropFolder!, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Simulated EDI carrier {Scac} could not read its folder", scac);
                }
            }

            await changes.WaitAsync(TimeSpan.FromMilliseconds(300), stoppingToken); // polling its folder: real time
        }
    }

    async Task TakeAsync(string scac, string folder, CancellationToken cancellationToken)
    {
        string outbound = Path.Combine(folder, "outbound");
        if (!Directory.Exists(outbound))
        {
            return;
        }

        foreach (string file in Directory.EnumerateFiles(outbound, "*.x12").Order(StringComparer.Ordinal))
        {
            string text = await File.ReadAllTextAsync(file, cancellationToken);
            string read = Path.Combine(outbound, "read");
            Directory.CreateDirectory(read);
            File.Move(file, Path.Combine(read, Path.GetFileName(file)), overwrite: true);
            X12Interchange interchange = X12Reader.Read(text);
            if (interchange.Groups.All(g => g.FunctionalId == "FA"))
            {
                continue; // the bridge's 997 for something we sent
            }

            await DropAsync(scac, folder, "997", interchange.ControlNumber, "FA",
                interchange.Groups.Select(g => new X12Transaction("997", "0001", FunctionalAcknowledgment997.Accept(g).ToSegments())).ToArray(), cancellationToken);
            foreach (X12Transaction tender in interchange.Transactions.Where(t => t.Code == "204" && t.First("B2A")?[1] == "00"))
            {
                string tenderId = tender.First("B2")![4];
                simulation.Carriers.TryGetValue(scac, out SimulatedCarrier? carrier);
                if (carrier?.Silent == true)
                {
                    continue;
                }

                bool accept = SimulatedCarrierGateway.Draw(simulation.Seed, tenderId) < (carrier?.AcceptanceProbability ?? simulation.AcceptanceProbability);
                TimeSpan delay = TimeSpan.FromMilliseconds(carrier?.DelayMilliseconds ?? simulation.DelayMilliseconds);
                await Task.Delay(delay, clock, cancellationToken);
                // It answers its delay after the tender's own date (the 204's GS), and dates its 990 so.
                DateTimeOffset tendered = interchange.Groups.First(g => g.Transactions.Contains(tender)).Date;
                await DropAsync(scac, folder, "990", tenderId, "GF", tendered + delay, new X12Transaction("990", "0001",
                [
                    X12Segment.Of("B1", scac, tenderId, clock.GetUtcNow().UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture), accept ? "A" : "D"),
                    X12Segment.Of("N9", "CN", $"{scac}-{(int)(SimulatedCarrierGateway.Draw(simulation.Seed + 1, tenderId) * 1_000_000):000000}"),
                    .. accept ? Array.Empty<X12Segment>() : [X12Segment.Of("K1", "No capacity on this lane")],
                ]), cancellationToken);
                if (accept)
                {
                    statuses.Follow(tenderId, scac, report => DropAsync(scac, folder, "214", $"{tenderId}-{report.Code}", "QM", new X12Transaction("214", "0001",
                    [
                        X12Segment.Of("B10", $"{scac}PRO", tenderId, scac),
                        X12Segment.Of("LX", "1"),
                        X12Segment.Of("AT7", CarrierStatusCodes.ToX12(report.Code), report.Reason, null, null,
                            report.At.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture), report.At.UtcDateTime.ToString("HHmm", CultureInfo.InvariantCulture), "UT"),
                        X12Segment.Of("MS1", report.City, report.State, "US"),
                    ]), cancellationToken));
                }
            }
        }
    }

    /// <summary>Writes one interchange from this carrier into its inbound folder (whole, then renamed, as the bridge expects).</summary>
    async Task DropAsync(string scac, string folder, string set, string about, string functionalId, X12Transaction transaction, CancellationToken cancellationToken) =>
        await DropAsync(scac, folder, set, about, functionalId, null, [transaction], cancellationToken);

    async Task DropAsync(string scac, string folder, string set, string about, string functionalId, DateTimeOffset dated, X12Transaction transaction, CancellationToken cancellationToken) =>
        await DropAsync(scac, folder, set, about, functionalId, dated, [transaction], cancellationToken);

    async Task DropAsync(string scac, string folder, string set, string about, string functionalId, X12Transaction[] transactions, CancellationToken cancellationToken) =>
        await DropAsync(scac, folder, set, about, functionalId, null, transactions, cancellationToken);

    async Task DropAsync(string scac, string folder, string set, string about, string functionalId, DateTimeOffset? dated, X12Transaction[] transactions, CancellationToken cancellationToken)
    {
        string number = Interlocked.Increment(ref control).ToString(CultureInfo.InvariantCulture);
        DateTimeOffset at = dated is { } d && d < clock.GetUtcNow() ? d : clock.GetUtcNow();
        var group = new X12Group(functionalId, scac, "MESTMS", at, number, X12Interchange.GroupVersion, transactions);
        string text = X12Writer.Write(new X12Interchange("ZZ", scac, "ZZ", "MESTMS", at, number, 'P', false, X12Delimiters.Standard, [group]));
        string inbound = Path.Combine(folder, "inbound");
        Directory.CreateDirectory(inbound);
        string name = $"{set}-{EdiDropFolders.FileName(about)}";
        await File.WriteAllTextAsync(Path.Combine(inbound, name + FolderChanges.PartSuffix), text, cancellationToken);
        File.Move(Path.Combine(inbound, name + FolderChanges.PartSuffix), Path.Combine(inbound, name), overwrite: true);
    }
}
