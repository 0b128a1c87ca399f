using MesTms.Domain.Shipments;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace MesTms.Pipeline.Tendering;

public enum TenderResponseOutcome
{
    Recorded,
    Duplicate,
    Conflict,
    UnknownTender,
    WrongCarrier,

    /// <summary>The tender was withdrawn before this answer arrived.</summary>
    Withdrawn,
}

/// <summary>
/// Records a carrier's answer to a tender (the first answer counts) and hands it to the order's workflow.
/// A repeated identical answer changes nothing; a different second answer is refused.
/// </summary>
public sealed class TenderResponseService(ITenderStore tenders, TimeProvider clock, ILogger<TenderResponseService> logger)
{
    public async Task<TenderResponseOutcome> RecordAsync(string tenderId, TenderResponse response, DurableTaskClient durable, CancellationToken cancellationToken = default)
    {
        TenderDocument? tender = await tenders.GetAsync(tenderId, cancellationToken);
        if (tender is null)
        {
            return TenderResponseOutcome.UnknownTender;
        }

        if (response.Scac is not null && !string.Equals(response.Scac, tender.Scac, StringComparison.OrdinalIgnoreCase))
        {
            return TenderResponseOutcome.WrongCarrier;
        }

        DateTimeOffset now = clock.GetUtcNow();
        (TenderDocument? stored, bool recorded) = await tenders.RecordResponseAsync(tenderId,
            response with { Scac = tender.Scac, AnsweredAt = DecisionTime.Stated(response.AnsweredAt, tender.SentAt, now) }, now, cancellationToken);
        if (!recorded)
        {
            if (stored?.Response is null && stored?.WithdrawnAt is not null)
            {
                return TenderResponseOutcome.Withdrawn;
            }

            if (stored?.Response?.Decision != response.Decision)
            {
                return TenderResponseOutcome.Conflict;
            }

            // The same answer again (a carrier retry): re-signal in case the first signal was lost; the workflow
            // takes only one answer per tender, so this changes nothing.
            await durable.RaiseEventAsync(tender.InstanceId, CarrierPlanning.TenderResponseEvent(tenderId), stored.Response, cancellationToken);
            return TenderResponseOutcome.Duplicate;
        }

        await durable.RaiseEventAsync(tender.InstanceId, CarrierPlanning.TenderResponseEvent(tenderId), stored!.Response, cancellationToken);
        logger.LogInformation("Tender {TenderId}: {Scac} answered {Decision}", tenderId, tender.Scac, response.Decision);
        return TenderResponseOutcome.Recorded;
    }
}
