using System.Security.Cryptography;
using System.Text;
using SetHub.Core.Results;
using SetHub.Core.Storage;

namespace SetHub.Core.Events;

/// <summary>What a repeated publish under one <c>Idempotency-Key</c> gets.</summary>
public enum IdempotencyDecision
{
    /// <summary>Publish (the key is new, or an earlier attempt under it stopped before answering): under the recorded
    /// <c>txn</c>, so the SETs an earlier attempt queued are found again, not doubled.</summary>
    Publish,

    /// <summary>Answer what the first request answered, and queue nothing.</summary>
    Replay,

    /// <summary>The key was used with another body: 422.</summary>
    Mismatch,

    /// <summary>A request under the key is still being published: 409, try again shortly.</summary>
    InProgress,
}

/// <summary>
/// The <c>Idempotency-Key</c> request header of the publish API (draft-ietf-httpapi-idempotency-key-header): a publish
/// retried under the same key within <see cref="Retention"/> answers the first answer (same <c>txn</c>, same status)
/// and queues nothing new, on any node; the same key with another body is refused.
/// </summary>
public static class IdempotencyKeys
{
    /// <summary>The header.</summary>
    public const string HeaderName = "Idempotency-Key";

    /// <summary>The answer header that marks a replayed answer.</summary>
    public const string ReplayedHeaderName = "Idempotent-Replayed";

    /// <summary>The longest key accepted.</summary>
    public const int MaxLength = 255;

    /// <summary>How long a key is remembered.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>How long a first request may take before a retry under its key takes over: longer than a publish's
    /// own retry budget, so a retry never races a publish that is still running.</summary>
    public static readonly TimeSpan InProgressWindow = TimeSpan.FromSeconds(10);

    /// <summary>The key in a header value: the draft sends it as a Structured Field string (<c>"…"</c>); a bare
    /// token, as most APIs take it, is accepted too.</summary>
    public static string Unquote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;
    }

    /// <summary>Checks a key: 1–255 visible ASCII characters (no spaces or control characters).</summary>
    public static OperationError? Validate(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length is 0 or > MaxLength || key.Any(c => c is < '!' or > '~'))
        {
            return OperationError.Invalid($"'{HeaderName}' must be 1 to {MaxLength} visible ASCII characters.");
        }

        return null;
    }

    /// <summary>The hash a request body is recognized by.</summary>
    public static string HashBody(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
    }

    /// <summary>The record a request offers: its body's hash, its <c>txn</c>, and the time to the millisecond (as every
    /// store keeps it, so the request recognizes its own record when it reads it back).</summary>
    public static IdempotencyRecord Offer(string body, string transaction, DateTimeOffset now) =>
        new(HashBody(body), transaction, Streams: null, DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()));

    /// <summary>What a request gets, given the record stored under its key (<paramref name="stored"/>) and the one it
    /// offered (<paramref name="offered"/>).</summary>
    public static IdempotencyDecision Decide(IdempotencyRecord stored, IdempotencyRecord offered, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(offered);
        if (!string.Equals(stored.RequestHash, offered.RequestHash, StringComparison.Ordinal))
        {
            return IdempotencyDecision.Mismatch;
        }

        if (stored.Streams is not null)
        {
            return IdempotencyDecision.Replay;
        }

        if (stored == offered)
        {
            return IdempotencyDecision.Publish; // this request recorded the key
        }

        // Another request recorded it and has not answered: still running, or it stopped (a crash, a 503) and this one
        // takes over under the same txn.
        return now - stored.CreatedAt < InProgressWindow ? IdempotencyDecision.InProgress : IdempotencyDecision.Publish;
    }
}
