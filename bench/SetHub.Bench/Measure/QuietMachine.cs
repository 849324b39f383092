namespace SetHub.Bench.Measure;

/// <summary>
/// Waits for other people's work to pass before a measurement starts: the machine is shared (other developers
/// build and test on it now and then), and a scenario measured beside a compiler says little about the hub.
/// </summary>
public static class QuietMachine
{
    private static readonly TimeSpan Sample = TimeSpan.FromSeconds(1);

    /// <summary>Samples foreign CPU until it is below <paramref name="threshold"/> cores or <paramref name="limit"/>
    /// passed; returns the last sample. A zero limit does not wait at all.</summary>
    public static async Task<double> WaitAsync(StoreProcesses stores, double threshold, TimeSpan limit, CancellationToken cancellationToken)
    {
        if (limit <= TimeSpan.Zero)
        {
            return 0;
        }

        var meter = new CpuMeter(() => [], stores);
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var start = meter.Take();
            await Task.Delay(Sample, cancellationToken);
            var foreign = CpuMeter.Between(start, meter.Take()).ForeignCores;
            if (foreign < threshold || DateTime.UtcNow >= deadline)
            {
                return foreign;
            }
        }
    }
}
