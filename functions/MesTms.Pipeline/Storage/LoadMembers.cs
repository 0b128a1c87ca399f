using MesTms.Domain;
using MesTms.Domain.Shipments;

namespace MesTms.Pipeline.Storage;

/// <summary>
/// The one way what happens to a load reaches the orders on it: each order's shipment document takes the same change (a
/// domain rule: the carrier's status, the load's outcome, its door), one ETag-guarded update per order, an order whose
/// document is gone is skipped, and an order already showing the change writes nothing (the domain rules are idempotent).
/// </summary>
public static class LoadMembers
{
    /// <summary>Applies <paramref name="change"/> to each of <paramref name="orderIds"/> at <paramref name="plantId"/>.</summary>
    public static async Task UpdateAsync(this IShipmentStore shipments, string plantId, IEnumerable<string> orderIds, Func<string, Shipment, Shipment> change,
        CancellationToken cancellationToken = default)
    {
        foreach (string orderId in orderIds)
        {
            await shipments.UpdateAsync(new OrderKey(plantId, orderId), current => current is null ? current! : change(orderId, current), cancellationToken);
        }
    }

    /// <summary>The orders on <paramref name="load"/> (none for an order shipped alone), and with <paramref name="andLoad"/> the load's own document first.</summary>
    public static Task UpdateMembersAsync(this IShipmentStore shipments, Shipment load, bool andLoad, Func<Shipment, Shipment> change,
        CancellationToken cancellationToken = default) =>
        shipments.UpdateAsync(load.PlantId, andLoad ? load.MemberOrderIds.Prepend(load.OrderId) : load.MemberOrderIds, (_, current) => change(current), cancellationToken);
}
