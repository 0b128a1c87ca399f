namespace MesTms.Domain.Rating;

/// <summary>
/// Tender ids are business keys, the same in the live bridge and the plant-day replay: plant, shipment, plan revision
/// (after a material load change, a hold withdrawal or a re-tender) and the attempt in the waterfall,
/// <c>{plant}.{shipment}[.R{revision}].T{attempt}</c>.
/// </summary>
public static class TenderIds
{
    public static string For(string plantId, string shipmentId, int revision, int attempt) =>
        revision == 0 ? $"{plantId}.{shipmentId}.T{attempt}" : $"{plantId}.{shipmentId}.R{revision}.T{attempt}";
}
