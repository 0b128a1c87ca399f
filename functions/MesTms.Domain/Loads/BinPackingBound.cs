namespace MesTms.Domain.Loads;

/// <summary>Lower bounds for one-dimensional bin packing: how many bins of a capacity the item sizes need at least.</summary>
public static class BinPackingBound
{
    /// <summary>The continuous bound L1 = ⌈Σ sizes / capacity⌉.</summary>
    public static int L1(IReadOnlyList<decimal> sizes, decimal capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        return (int)Math.Ceiling(sizes.Sum() / capacity);
    }

    /// <summary>
    /// Martello and Toth's bound L2 (1990), never below <see cref="L1"/>. For a threshold α ≤ C/2, items larger than
    /// C − α (J1) and items in (C/2, C − α] (J2) each need a bin of their own; items in [α, C/2] (J3) can only use the
    /// room J2's bins leave, so L(α) = |J1| + |J2| + max(0, ⌈(Σ J3 − (|J2|·C − Σ J2)) / C⌉). L2 is the largest L(α) over
    /// α = 0 and every item size up to C/2. Sorted sizes and prefix sums make each α a pair of binary searches.
    /// </summary>
    public static int L2(IReadOnlyList<decimal> sizes, decimal capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        if (sizes.Count == 0)
        {
            return 0;
        }

        decimal[] sorted = sizes.Order().ToArray();
        var prefix = new decimal[sorted.Length + 1];
        for (int i = 0; i < sorted.Length; i++)
        {
            prefix[i + 1] = prefix[i] + sorted[i];
        }

        decimal half = capacity / 2;
        int best = L1(sorted, capacity);
        int aboveHalf = FirstAbove(sorted, half);
        foreach (decimal alpha in sorted.Where(w => w <= half).Prepend(0m).Distinct())
        {
            int j1 = FirstAbove(sorted, capacity - alpha);
            int j3 = FirstAtLeast(sorted, alpha);
            int countJ2 = j1 - aboveHalf;
            decimal sumJ2 = prefix[j1] - prefix[aboveHalf];
            decimal sumJ3 = prefix[aboveHalf] - prefix[j3];
            decimal spare = (countJ2 * capacity) - sumJ2;
            int bound = (sorted.Length - j1) + countJ2 + (int)Math.Max(0, Math.Ceiling((sumJ3 - spare) / capacity));
            best = Math.Max(best, bound);
        }

        return best;
    }

    /// <summary>Index of the first size strictly greater than <paramref name="value"/> (sizes ascending).</summary>
    static int FirstAbove(decimal[] sorted, decimal value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (sorted[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>Index of the first size at least <paramref name="value"/> (sizes ascending).</summary>
    static int FirstAtLeast(decimal[] sorted, decimal value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
