using System.Text.Json;
using MesTms.Domain.Events;
using MesTms.Pipeline.Storage;

namespace MesTms.Pipeline.Events;

/// <summary>The typed data of a validated MES event in the app's own JSON form, as stored with its event record.</summary>
public static class MesEventData
{
    public static JsonElement ToJson(MesEvent mesEvent) => mesEvent switch
    {
        ProductionCompletedEvent e => JsonSerializer.SerializeToElement(e.Data, CosmosStore.Json),
        QualityHoldPlacedEvent e => JsonSerializer.SerializeToElement(e.Data, CosmosStore.Json),
        QualityHoldReleasedEvent e => JsonSerializer.SerializeToElement(e.Data, CosmosStore.Json),
        ProductionScheduledEvent e => JsonSerializer.SerializeToElement(e.Data, CosmosStore.Json),
        _ => throw new ArgumentOutOfRangeException(nameof(mesEvent), mesEvent.Type, "Unknown MES event."),
    };
}
