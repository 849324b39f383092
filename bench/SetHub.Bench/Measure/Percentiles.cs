namespace SetHub.Bench.Measure;

/// <summary>Summary of a set of samples (milliseconds or seconds, as the caller recorded them).</summary>
public sealed record Distribution(int Count, double P50, double P99, double Max)
{
    public static readonly Distribution Empty = new(0, double.NaN, double.NaN, double.NaN);
}

/// <summary>Thread-safe sample collection with exact percentiles (nearest rank over the sorted samples).</summary>
public sealed class Samples
{
    private readonly List<double> _values = [];
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _values.Count;
            }
        }
    }

    public void Add(double value)
    {
        lock (_gate)
        {
            _values.Add(value);
        }
    }

    public Distribution Summarize()
    {
        double[] sorted;
        lock (_gate)
        {
            sorted = [.. _values];
        }

        return Summarize(sorted);
    }

    public static Distribution Summarize(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0
            ? Distribution.Empty
            : new Distribution(sorted.Length, At(sorted, 0.50), At(sorted, 0.99), sorted[^1]);
    }

    // Nearest rank: the smallest sample with at least q of the samples at or below it.
    private static double At(double[] sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}
