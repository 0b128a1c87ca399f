namespace MesTms.Domain.Loads;

/// <summary>
/// Whether a change to a closed load (an order taken off for a quality hold) is material enough to re-plan the
/// carrier: the load became empty, lost a stop, or its fill moved by more than the threshold on any dimension
/// (weight, cube or floor positions, as shares of the trailer). A smaller change keeps the booking: the carrier
/// hauls slightly less freight at the same truckload price.
/// </summary>
public static class LoadChange
{
    public const decimal DefaultThreshold = 0.10m;

    public static (bool Material, string Reason) Assess(
        int ordersAfter,
        IReadOnlyCollection<string> stopsBefore,
        IReadOnlyCollection<string> stopsAfter,
        (decimal Weight, decimal Cube, decimal Floor) fillBefore,
        (decimal Weight, decimal Cube, decimal Floor) fillAfter,
        decimal threshold = DefaultThreshold)
    {
        if (ordersAfter == 0)
        {
            return (true, "no order left on the load");
        }

        var dropped = stopsBefore.Except(stopsAfter, StringComparer.Ordinal).ToList();
        if (dropped.Count > 0)
        {
            return (true, $"stop(s) {string.Join(", ", dropped)} no longer served");
        }

        decimal delta = Math.Max(Math.Abs(fillBefore.Weight - fillAfter.Weight),
            Math.Max(Math.Abs(fillBefore.Cube - fillAfter.Cube), Math.Abs(fillBefore.Floor - fillAfter.Floor)));
        return delta > threshold
            ? (true, $"fill changed by {delta:P0} of the trailer (more than {threshold:P0})")
            : (false, $"fill changed by {delta:P0} of the trailer (within {threshold:P0}): booking kept");
    }
}
