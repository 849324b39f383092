namespace SetHub.Bench.Limits;

/// <summary>
/// What this machine does with the raw operations a SET needs, measured in the same run as the scenarios:
/// ES256 signatures, loopback HTTP requests through Kestrel, and durable batched inserts. Each scenario figure is
/// quoted against one of these, or against a floor built from them (<see cref="LatencyFloorMs"/> and friends).
/// </summary>
/// <param name="SignaturesPerSecond">ES256 signatures per second over all cores.</param>
/// <param name="SignatureCpuMicroseconds">CPU time of one signature.</param>
/// <param name="HttpRequestsPerSecond">1 KiB POSTs answered 202 per second (client and server on this machine).</param>
/// <param name="HttpCpuMicroseconds">CPU time of one such request, client and server together.</param>
/// <param name="HttpRoundTripMs">Median round trip of one request when nothing else is in flight.</param>
/// <param name="SqliteRowsPerSecond">Rows per second in 100-row transactions (WAL, synchronous FULL).</param>
/// <param name="SqliteBatchCommitMs">Median time of one such transaction, alone.</param>
/// <param name="PostgresRowsPerSecond">Rows per second in 100-row statements over several connections (durable).</param>
/// <param name="PostgresBatchCommitMs">Median time of one such statement, alone.</param>
/// <param name="AzuriteRowsPerSecond">Entities per second into the bench's Azurite in 100-entity transactions over
/// several connections.</param>
/// <param name="AzuriteBatchCommitMs">Median time of one such transaction, alone.</param>
/// <param name="AzuriteSinglesPerSecond">One-entity transactions per second into the bench's Azurite, each in its own
/// partition, many at once: a write to many partitions (one per stream) at best.</param>
public sealed record RawLimits(
    double SignaturesPerSecond,
    double SignatureCpuMicroseconds,
    double HttpRequestsPerSecond,
    double HttpCpuMicroseconds,
    double HttpRoundTripMs,
    double SqliteRowsPerSecond,
    double SqliteBatchCommitMs,
    double? PostgresRowsPerSecond,
    double? PostgresBatchCommitMs,
    double? AzuriteRowsPerSecond = null,
    double? AzuriteBatchCommitMs = null,
    double? AzuriteSinglesPerSecond = null)
{
    public double InsertRowsPerSecond(StorageMode mode) => mode switch
    {
        StorageMode.Postgres => PostgresRowsPerSecond ?? double.NaN,
        StorageMode.AzureStorage => AzuriteRowsPerSecond ?? double.NaN,
        _ => SqliteRowsPerSecond,
    };

    public double BatchCommitMs(StorageMode mode) => mode switch
    {
        StorageMode.Postgres => PostgresBatchCommitMs ?? double.NaN,
        StorageMode.AzureStorage => AzuriteBatchCommitMs ?? double.NaN,
        _ => SqliteBatchCommitMs,
    };

    /// <summary>Rows per second into as many streams' logs as there are rows: on Azure Table, where SetHub's SET log
    /// has a partition per stream and a transaction holds one partition, the one-entity transaction rate; elsewhere
    /// the batched insert rate.</summary>
    public double SpreadInsertRowsPerSecond(StorageMode mode) =>
        mode == StorageMode.AzureStorage ? AzuriteSinglesPerSecond ?? double.NaN : InsertRowsPerSecond(mode);

    /// <summary>The least time from publish to delivery: the publish round trip, one durable commit, one signature
    /// (on one core) and the push round trip.</summary>
    public double LatencyFloorMs(StorageMode mode) =>
        (2 * HttpRoundTripMs) + BatchCommitMs(mode) + (SignatureCpuMicroseconds / 1000);

    /// <summary>The least CPU one pushed SET can cost: its signature and one HTTP request (both ends).</summary>
    public double CpuPerSetFloorMicroseconds => SignatureCpuMicroseconds + HttpCpuMicroseconds;

    /// <summary>The least time to sign and durably store <paramref name="sets"/> SETs for as many streams, one after the other.</summary>
    public double FanOutFloorSeconds(int sets, StorageMode mode) =>
        (sets / SignaturesPerSecond) + (sets / SpreadInsertRowsPerSecond(mode));

    /// <summary>The least time until the <paramref name="quantile"/> share of <paramref name="sets"/> waiting long polls
    /// got their SET: all are signed and stored, then answered at the raw request rate.</summary>
    public double LongPollFloorSeconds(int sets, double quantile, StorageMode mode) =>
        FanOutFloorSeconds(sets, mode) + (quantile * sets / HttpRequestsPerSecond);
}
