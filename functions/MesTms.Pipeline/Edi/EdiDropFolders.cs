using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MesTms.Pipeline.Carriers;

namespace MesTms.Pipeline.Edi;

/// <summary>
/// Reads the drop folders of EDI carriers that trade files (<see cref="EdiPartnerOptions.DropFolder"/>): every file in
/// <c>inbound/</c> is read as an interchange (<see cref="EdiInbound"/>), its 997 written to <c>outbound/</c>, and the file
/// moved to <c>inbound/processed/</c> (or <c>inbound/rejected/</c> when it could not be read). A file is moved only after
/// it was stored and answered, so a crash half-way reads it again, which changes nothing.
/// </summary>
public sealed class EdiDropFolders(CarrierOptions options, EdiInbound inbound, EdiTransport transport, ILogger<EdiDropFolders> logger)
{
    public bool Enabled => options.Edi.Values.Any(p => !string.IsNullOrWhiteSpace(p.DropFolder));

    /// <summary>The <c>inbound/</c> folders carriers drop their files in.</summary>
    public IEnumerable<string> InboundFolders => options.Edi.Values.Where(p => !string.IsNullOrWhiteSpace(p.DropFolder)).Select(p => Path.Combine(p.DropFolder!, "inbound"));

    /// <summary>A file name for a document id (letters, digits, dot, dash; the rest become dashes).</summary>
    public static string FileName(string documentId) =>
        new string(documentId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '-').ToArray()) + ".x12";

    public async Task<int> SweepAsync(DurableTaskClient durable, CancellationToken cancellationToken = default)
    {
        int read = 0;
        foreach ((string scac, EdiPartnerOptions partner) in options.Edi)
        {
            if (string.IsNullOrWhiteSpace(partner.DropFolder))
            {
                continue;
            }

            string folder = Path.Combine(partner.DropFolder, "inbound");
            if (!Directory.Exists(folder))
            {
                continue;
            }

            // In the order they arrived (a carrier's statuses of one shipment follow one another), names breaking ties.
            foreach (string file in Directory.EnumerateFiles(folder).Where(f => !f.EndsWith(FolderChanges.PartSuffix, StringComparison.Ordinal))
                .OrderBy(File.GetLastWriteTimeUtc).ThenBy(f => f, StringComparer.Ordinal))
            {
                string text = await File.ReadAllTextAsync(file, cancellationToken);
                EdiInboundResult result = await inbound.ReceiveAsync(scac, text, durable, cancellationToken);
                if (result.Acknowledgment.Length > 0)
                {
                    await transport.SendAsync(scac, partner, $"997-{result.Document.Id}", result.Acknowledgment, cancellationToken);
                }

                string done = Path.Combine(folder, result.Document.Status == "rejected" ? "rejected" : "processed");
                Directory.CreateDirectory(done);
                File.Move(file, Path.Combine(done, Path.GetFileName(file)), overwrite: true);
                logger.LogInformation("EDI file {File} from {Scac}: {Status}", Path.GetFileName(file), scac, result.Document.Status);
                read++;
            }
        }

        return read;
    }
}

/// <summary>
/// Sweeps the EDI drop folders where the host hands out a Durable client (the local host; Functions use a timer trigger):
/// as soon as a carrier drops a file (<see cref="FolderChanges"/>), and every <see cref="Interval"/> in any case.
/// </summary>
public sealed class EdiDropFolderWorker(IServiceProvider services, ILogger<EdiDropFolderWorker> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        EdiDropFolders folders = services.GetRequiredService<EdiDropFolders>();
        if (!folders.Enabled || services.GetService<DurableTaskClient>() is not { } durable)
        {
            return;
        }

        using var changes = new FolderChanges(folders.InboundFolders);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await folders.SweepAsync(durable, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "EDI drop folder sweep failed; the next one tries again");
            }

            await changes.WaitAsync(Interval, stoppingToken);
        }
    }
}
