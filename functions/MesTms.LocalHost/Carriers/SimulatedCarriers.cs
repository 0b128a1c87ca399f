using MesTms.Simulation.Replay;
using MesTms.Domain.Shipments;
using MesTms.Pipeline.Carriers;
using MesTms.Pipeline.Tendering;
using MesTms.Pipeline.Storage;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MesTms.LocalHost.Carriers;

/// <summary>
/// The simulated carrier set: each tender is answered after <see cref="DelayMilliseconds"/>, accepted with
/// probability <see cref="AcceptanceProbability"/> decided deterministically from <see cref="Seed"/> and the
/// tender id. Per-carrier overrides by SCAC; a carrier with <see cref="SimulatedCarrier.Silent"/> never answers.
/// </summary>
public sealed class SimulatedCarrierOptions
{
    /// <summary>Configuration section: <c>MesTms:Carriers:Simulation</c>.</summary>
    public const string Section = CarrierOptions.Section + ":Simulation";

    public bool Enabled { get; set; }

    public int Seed { get; set; } = 7;

    public double AcceptanceProbability { get; set; } = 0.85;

    public int DelayMilliseconds { get; set; } = 300;

    public Dictionary<string, SimulatedCarrier> Carriers { get; set; } = [];

    /// <summary>
    /// Carriers simulated as X12 trading partners (e.g. <c>["SWFL"]</c>): the bridge sends them 204s through a drop folder,
    /// and they answer with 997s, 990s and 214s there (<see cref="SimulatedEdiCarrier"/>).
    /// </summary>
    public List<string> EdiCarriers { get; set; } = [];

    /// <summary>What the simulated carriers report after booking (<c>MesTms:Carriers:Simulation:Statuses</c>).</summary>
    public SimulatedStatusOptions Statuses { get; set; } = new();
}

/// <summary>
/// Simulated carrier statuses: after a booking, the carrier reports arrival at the door, loading and departure, and delivery,
/// each dated at its planned moment (the dock appointment, its loading time, the estimated delivery) and sent when the
/// app's clock reaches that moment (run it faster with <c>LocalHost:ClockSpeed</c>). With
/// <see cref="LateProbability"/> a truck comes <see cref="LateMinutes"/> late and delivers <see cref="LateDeliveryHours"/> after its
/// estimate (late for the shipment when that passes the promised delivery),
/// drawn from the seed and the tender id; a carrier may override both.
/// </summary>
public sealed class SimulatedStatusOptions
{
    public bool Enabled { get; set; }

    public double LateProbability { get; set; } = 0.1;

    public int LateMinutes { get; set; } = 90;

    public int LateDeliveryHours { get; set; } = 20;
}

public sealed class SimulatedCarrier
{
    public double? AcceptanceProbability { get; set; }

    public int? DelayMilliseconds { get; set; }

    public bool Silent { get; set; }

    /// <summary>This carrier's chance of a late truck (default: <see cref="SimulatedStatusOptions.LateProbability"/>).</summary>
    public double? LateProbability { get; set; }
}

/// <summary>
/// Simulated carriers for local runs and tests: each answers after its delay, accepting with its probability;
/// the decision is a deterministic function of the seed and the tender id, so runs are reproducible.
/// </summary>
public sealed class SimulatedCarrierGateway(IServiceProvider services, SimulatedCarrierOptions simulation, TimeProvider clock, ILogger<SimulatedCarrierGateway> logger)
    : ICarrierGateway
{
    /// <summary>With <c>MesTms:Carriers:Simulation:Enabled</c>, the simulated carriers take the place of the HTTP gateway.</summary>
    public static void AddTo(IServiceCollection services, ConfigurationManager configuration)
    {
        var simulation = new SimulatedCarrierOptions();
        configuration.GetSection(SimulatedCarrierOptions.Section).Bind(simulation);
        simulation.EdiCarriers.RemoveAll(string.IsNullOrWhiteSpace); // an empty entry turns the default list off
        if (simulation.Enabled)
        {
            services.AddSingleton(simulation);
            services.AddSingleton<ICarrierGateway, SimulatedCarrierGateway>();
            services.AddSingleton<SimulatedCarrierStatuses>();
            if (simulation.EdiCarriers.Count > 0)
            {
                // Each simulated EDI carrier trades files with the bridge in a folder of its own (per task hub: tests run side by side).
                string root = Path.Combine(Path.GetTempPath(), "mestms-edi", configuration["LocalHost:TaskHub"] is { Length: > 0 } hub ? hub : "local");
                configuration.AddInMemoryCollection(simulation.EdiCarriers.ToDictionary(
                    scac => $"{CarrierOptions.Section}:Edi:{scac}:DropFolder", scac => (string?)Path.Combine(root, scac)));
                services.AddHostedService<SimulatedEdiCarrier>();
            }
        }
    }

    public Task<string?> SendAsync(LoadTender tender, CancellationToken cancellationToken = default)
    {
        if (services.GetService<DurableTaskClient>() is null)
        {
            // The Functions host hands out its Durable client only through bindings, not to background tasks.
            return Task.FromResult<string?>("simulated carriers answer only on the local host (no Durable client here); configure tender endpoints instead");
        }

        simulation.Carriers.TryGetValue(tender.Scac, out SimulatedCarrier? carrier);
        if (carrier?.Silent == true)
        {
            logger.LogInformation("Simulated carrier {Scac} received tender {TenderId} and will not answer", tender.Scac, tender.TenderId);
            return Task.FromResult<string?>(null);
        }

        var delay = TimeSpan.FromMilliseconds(carrier?.DelayMilliseconds ?? simulation.DelayMilliseconds);
        TenderResponse response = Answer(tender, carrier);
        if (response.Accepted)
        {
            services.GetRequiredService<SimulatedCarrierStatuses>().Follow(tender.TenderId, tender.Scac, edi: null);
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(delay, clock);
                // A carrier whose answer gets a 503 tries again, as a real one would: the answer must not be lost.
                for (int attempt = 1; ; attempt++)
                {
                    try
                    {
                        // It answers its delay after the tender was sent, and says so.
                        await services.GetRequiredService<TenderResponseService>()
                            .RecordAsync(tender.TenderId, response with { AnsweredAt = tender.SentAt + delay }, services.GetRequiredService<DurableTaskClient>());
                        break;
                    }
                    catch (Exception e) when (CosmosStore.IsTransient(e) && attempt < 20)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 50 * attempt * attempt))); // a retry: real time
                    }
                }
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Simulated carrier {Scac} could not answer tender {TenderId}", tender.Scac, tender.TenderId);
            }
        });
        return Task.FromResult<string?>(null);
    }

    /// <summary>
    /// A simulated carrier that answers at once (a delay of 0) answers in the tender call itself, as a carrier API that
    /// accepts or declines in its response does; the others answer later through the tender answers API.
    /// </summary>
    public Task<TenderDelivery> DeliverAsync(LoadTender tender, CancellationToken cancellationToken = default)
    {
        simulation.Carriers.TryGetValue(tender.Scac, out SimulatedCarrier? carrier);
        if (carrier?.Silent != true && (carrier?.DelayMilliseconds ?? simulation.DelayMilliseconds) == 0)
        {
            TenderResponse answer = Answer(tender, carrier);
            if (answer.Accepted)
            {
                services.GetRequiredService<SimulatedCarrierStatuses>().Follow(tender.TenderId, tender.Scac, edi: null);
            }

            return Task.FromResult(new TenderDelivery(null, answer));
        }

        return SendAndAnswerLaterAsync(tender, cancellationToken);
    }

    async Task<TenderDelivery> SendAndAnswerLaterAsync(LoadTender tender, CancellationToken cancellationToken) => new(await SendAsync(tender, cancellationToken));

    /// <summary>The carrier's answer: accepted with its probability, by the seeded draw on the tender id.</summary>
    internal TenderResponse Answer(LoadTender tender, SimulatedCarrier? carrier) =>
        Draw(simulation.Seed, tender.TenderId) < (carrier?.AcceptanceProbability ?? simulation.AcceptanceProbability)
            ? new TenderResponse(TenderResponse.Accept, null, tender.Scac,
                new PickupConfirmation(PickupStart(tender), PickupStart(tender).AddHours(SimulatedPickupWindowHours), $"{tender.Scac}-{(int)(Draw(simulation.Seed + 1, tender.TenderId) * 1_000_000):000000}"))
            : new TenderResponse(TenderResponse.Decline, "No capacity on this lane", tender.Scac, null);

    /// <summary>Simulated carriers confirm a pickup window of 48 hours from the start (00:00 UTC) of the pickup day.</summary>
    public const int SimulatedPickupWindowHours = 48;

    static DateTimeOffset PickupStart(LoadTender tender) => new(tender.PickupDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    readonly System.Collections.Concurrent.ConcurrentDictionary<string, CarrierMessage> received = new();

    /// <summary>Appointment notices and withdrawals the simulated carriers received, by message id (duplicates collapse).</summary>
    public IReadOnlyCollection<CarrierMessage> Received => received.Values.OrderBy(m => m.At).ToList();

    public Task<string?> NotifyAppointmentAsync(CarrierMessage message, CancellationToken cancellationToken = default) => Receive(message);

    public Task<string?> WithdrawTenderAsync(CarrierMessage message, CancellationToken cancellationToken = default) => Receive(message);

    Task<string?> Receive(CarrierMessage message)
    {
        received.TryAdd(message.Id, message);
        logger.LogInformation("Simulated carrier {Scac} received {Kind} {Id}", message.Scac, message.Kind, message.Id);
        return Task.FromResult<string?>(null);
    }

    /// <summary>A uniform number in [0, 1) from the seed and the tender id (FNV-1a), the same on every run.</summary>
    public static double Draw(int seed, string tenderId) => (SeededDraw.Fnv1a(seed, tenderId) % 1_000_000) / 1_000_000d;
}
