using System.Collections.Concurrent;
using System.Diagnostics;
using SetHub.Bench.Api;

namespace SetHub.Bench.Measure;

/// <summary>When one publish was sent, answered 202, and the first of its SETs delivered (Stopwatch timestamps; null
/// when it was not answered 202, or nothing of it delivered).</summary>
public sealed record PublishTimes(string Txn, long SentAt, long? AcceptedAt, long? ArrivedAt);

/// <summary>
/// What was published and what arrived, matched by <c>txn</c>: SETs expected (the <c>streams</c> count of each 202),
/// delivered (one per stream and txn), duplicates, and publish-to-arrival latency. Thread-safe: the receiver and the
/// pollers record into it while the publishers do.
/// </summary>
public sealed class DeliveryLedger
{
    private readonly ConcurrentDictionary<string, long> _sentAt = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _jtis = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(int Stream, string Txn), byte> _pairs = new();
    private readonly List<(long At, long SentAt)>[]? _arrivals;
    private readonly ConcurrentDictionary<string, long>? _acceptedAt;
    private readonly ConcurrentDictionary<string, long>? _arrivedAt;
    private long _expected;
    private long _delivered;
    private long _duplicateJtis;
    private long _duplicatePairs;
    private long _unknown;
    private long _verifications;
    private long _acknowledged;
    private long _latencyFrom = long.MaxValue;
    private long _latencyUntil = long.MaxValue;

    /// <param name="keepArrivalsOfStreams">When set, every arrival time is kept per stream (streams 0 … n-1), for
    /// figures about gaps in delivery.</param>
    /// <param name="keepPublishTimes">When set, the time of each publish's 202 and of its first delivery are kept,
    /// for latencies measured from the 202 (<see cref="PublishTimesInLatencyWindow"/>).</param>
    public DeliveryLedger(int keepArrivalsOfStreams = 0, bool keepPublishTimes = false)
    {
        if (keepArrivalsOfStreams > 0)
        {
            _arrivals = [.. Enumerable.Range(0, keepArrivalsOfStreams).Select(_ => new List<(long, long)>())];
        }

        if (keepPublishTimes)
        {
            _acceptedAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
            _arrivedAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        }
    }

    /// <summary>Publish-to-arrival times in milliseconds, of SETs whose publish was sent inside the latency window.</summary>
    public Samples Latency { get; } = new();

    public long Expected => Interlocked.Read(ref _expected);

    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>SETs accepted but not (yet) delivered.</summary>
    public long Outstanding => Expected - Delivered;

    /// <summary>The same jti delivered again (a redelivery).</summary>
    public long DuplicateJtis => Interlocked.Read(ref _duplicateJtis);

    /// <summary>A second SET of the same publish on the same stream, with another jti: the hub accepted a publish
    /// twice (a retried publish whose first attempt was committed before the node died).</summary>
    public long DuplicatePublishes => Interlocked.Read(ref _duplicatePairs);

    /// <summary>Arrivals of a txn this ledger never published (left over from an earlier phase).</summary>
    public long Unknown => Interlocked.Read(ref _unknown);

    public long Verifications => Interlocked.Read(ref _verifications);

    /// <summary>SETs acknowledged by pollers (poll only).</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    /// <summary>Latency is recorded for publishes sent from now on.</summary>
    public void StartLatencyWindow() => Interlocked.Exchange(ref _latencyFrom, Stopwatch.GetTimestamp());

    /// <summary>Latency is not recorded for publishes sent from now on.</summary>
    public void EndLatencyWindow() => Interlocked.Exchange(ref _latencyUntil, Stopwatch.GetTimestamp());

    /// <summary>A publish is about to be sent (the first attempt's time counts for a retried one).</summary>
    public void Sending(string txn) => _sentAt.TryAdd(txn, Stopwatch.GetTimestamp());

    /// <summary>The send time of a publish, if known.</summary>
    public long? SentAt(string txn) => _sentAt.TryGetValue(txn, out var at) ? at : null;

    /// <summary>The hub accepted the publish (202) and queued it for <paramref name="streams"/> streams.</summary>
    public void Accepted(int streams) => Interlocked.Add(ref _expected, streams);

    /// <inheritdoc cref="Accepted(int)"/>
    /// <remarks>Read as soon as the 202's body was, so the time is when the publisher learnt of it.</remarks>
    public void Accepted(string txn, int streams)
    {
        _acceptedAt?.TryAdd(txn, Stopwatch.GetTimestamp());
        Accepted(streams);
    }

    public void Acknowledge(int count) => Interlocked.Add(ref _acknowledged, count);

    /// <summary>A SET reached stream <paramref name="stream"/> at <paramref name="at"/> (a Stopwatch timestamp).</summary>
    public void Arrived(int stream, SetClaims claims, long at)
    {
        if (claims.IsVerification)
        {
            Interlocked.Increment(ref _verifications);
            return;
        }

        if (!_jtis.TryAdd(claims.Jti, 0))
        {
            Interlocked.Increment(ref _duplicateJtis);
            return;
        }

        if (claims.Txn is null || !_sentAt.TryGetValue(claims.Txn, out var sentAt))
        {
            Interlocked.Increment(ref _unknown);
            return;
        }

        if (!_pairs.TryAdd((stream, claims.Txn), 0))
        {
            Interlocked.Increment(ref _duplicatePairs);
            return;
        }

        Interlocked.Increment(ref _delivered);
        _arrivedAt?.TryAdd(claims.Txn, at);
        if (sentAt >= Interlocked.Read(ref _latencyFrom) && sentAt < Interlocked.Read(ref _latencyUntil))
        {
            Latency.Add(Stopwatch.GetElapsedTime(sentAt, at).TotalMilliseconds);
        }

        if (_arrivals is not null && stream < _arrivals.Length)
        {
            var list = _arrivals[stream];
            lock (list)
            {
                list.Add((at, sentAt));
            }
        }
    }

    /// <summary>
    /// The times of every publish sent inside the latency window (only with <c>keepPublishTimes</c>): an answer may
    /// arrive before its 202 does, so latencies from the 202 are computed once both are in, not on arrival.
    /// </summary>
    public IReadOnlyList<PublishTimes> PublishTimesInLatencyWindow()
    {
        if (_acceptedAt is null || _arrivedAt is null)
        {
            return [];
        }

        var (from, until) = (Interlocked.Read(ref _latencyFrom), Interlocked.Read(ref _latencyUntil));
        return [.. _sentAt.Where(sent => sent.Value >= from && sent.Value < until).Select(sent => new PublishTimes(
            sent.Key,
            sent.Value,
            _acceptedAt.TryGetValue(sent.Key, out var accepted) ? accepted : null,
            _arrivedAt.TryGetValue(sent.Key, out var arrived) ? arrived : null))];
    }

    /// <summary>The arrivals of one stream (arrival and publish send times), in arrival order.</summary>
    public IReadOnlyList<(long At, long SentAt)> ArrivalsOf(int stream)
    {
        if (_arrivals is null)
        {
            return [];
        }

        var list = _arrivals[stream];
        lock (list)
        {
            return [.. list.OrderBy(arrival => arrival.At)];
        }
    }

    /// <summary>Waits until every accepted SET arrived, or until nothing arrived for <paramref name="quiet"/>, or
    /// <paramref name="limit"/> passed: a slow hub still drains, a stuck one does not hold the run.</summary>
    public async Task<TimeSpan> DrainAsync(TimeSpan quiet, TimeSpan limit, Func<long>? progress = null, CancellationToken cancellationToken = default)
    {
        progress ??= () => Delivered;
        var started = Stopwatch.GetTimestamp();
        var lastProgress = started;
        var last = progress();
        while (Outstanding > 0 && Stopwatch.GetElapsedTime(started) < limit && Stopwatch.GetElapsedTime(lastProgress) < quiet)
        {
            await Task.Delay(50, cancellationToken);
            var now = progress();
            if (now != last)
            {
                (last, lastProgress) = (now, Stopwatch.GetTimestamp());
            }
        }

        return Stopwatch.GetElapsedTime(started);
    }
}
