using System.Globalization;
using Azure.Data.Tables;
using SetHub.Core.Storage;

namespace SetHub.Storage.AzureStorage.SetLog;

/// <summary>
/// The rows of one stream's partition in the SET log table (PartitionKey <c>{tenant}:{stream}</c>):
/// <list type="bullet">
/// <item>the head <c>h</c>: epoch, owner, push failures and next attempt. Every write carries a merge of the head,
/// conditional on its ETag, in the same entity-group transaction: that is the epoch fence;</item>
/// <item>a SET <c>q{position, 19 digits}</c>: its token, event type, state (queued or dead), clock and attempts. Row keys
/// sort by position, so a read after a position is a range query;</item>
/// <item>a <c>jti</c> index row <c>j{jti}</c> holding the SET's position: it makes a <c>jti</c> unique within the stream
/// (an append inserts both rows in one transaction, so a second append of the <c>jti</c> fails with a conflict) and
/// finds a SET by <c>jti</c> for acknowledgements and re-drives.</item>
/// </list>
/// </summary>
internal static class LogEntities
{
    public const string HeadKey = "h";

    /// <summary>The state of a queued SET.</summary>
    public const int Queued = (int)LoggedSetState.Queued;

    /// <summary>The state of a dead letter.</summary>
    public const int Dead = (int)LoggedSetState.DeadLettered;

    /// <summary>The state of a SET pushed and accepted, kept (without its token) for the trace retention.</summary>
    public const int Delivered = (int)LoggedSetState.Delivered;

    /// <summary>The state of a SET polled and acknowledged, kept like <see cref="Delivered"/>.</summary>
    public const int Acknowledged = (int)LoggedSetState.Acknowledged;

    /// <summary>The most characters of token one string property holds (64 KiB of UTF-16).</summary>
    public const int TokenChunkLength = 32 * 1024;

    /// <summary>Token properties: <c>Token</c>, then <c>Token1</c> to <c>Token7</c> (8 × 32 Ki characters is the 256 KiB of
    /// <see cref="LogLimits.MaxTokenLength"/>).</summary>
    public static readonly string[] TokenProperties = ["Token", "Token1", "Token2", "Token3", "Token4", "Token5", "Token6", "Token7"];

    /// <summary>The first row key after every SET row (<c>q…</c>) and before the <c>jti</c> rows.</summary>
    public const string AfterSets = "r";

    public static string Partition(StreamKey stream) => $"{TableKeys.Encode(stream.TenantId)}:{TableKeys.Encode(stream.StreamId)}";

    public static string SetKey(long position) => "q" + position.ToString("D19", CultureInfo.InvariantCulture);

    public static string JtiKey(string jti) => "j" + TableKeys.Encode(jti);

    public static long PositionOf(string setKey) => long.Parse(setKey.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>The SET row of a queued entry (whose token <see cref="AzureTableSetLog.WriteAsync"/> checked against
    /// <see cref="LogLimits.MaxTokenLength"/>: it fits the eight token properties).</summary>
    public static TableEntity SetRow(string partition, LogEntry entry, StreamKey stream)
    {
        var row = new TableEntity(partition, SetKey(entry.Position))
        {
            ["TenantId"] = stream.TenantId,
            ["StreamId"] = stream.StreamId,
            ["Jti"] = entry.Jti,
            ["EventType"] = entry.EventType,
            ["IsControl"] = entry.IsControl,
            ["State"] = Queued,
            ["CreatedAt"] = entry.QueuedAt,
            ["QueuedAt"] = entry.QueuedAt,
            ["Attempts"] = entry.Attempts,
        };
        if (entry.Transaction is not null)
        {
            row["Txn"] = entry.Transaction;
        }

        for (var chunk = 0; chunk * TokenChunkLength < entry.Token.Length; chunk++)
        {
            var start = chunk * TokenChunkLength;
            row[TokenProperties[chunk]] = entry.Token.Substring(start, Math.Min(TokenChunkLength, entry.Token.Length - start));
        }

        return row;
    }

    /// <summary>The <c>jti</c> index row of an entry.</summary>
    public static TableEntity JtiRow(string partition, string jti, long position) =>
        new(partition, JtiKey(jti)) { ["Position"] = position };

    /// <summary>Reads a queued entry from its SET row.</summary>
    public static LogEntry ReadEntry(TableEntity row) => new(
        PositionOf(row.RowKey),
        row.GetText("Jti"),
        ReadToken(row),
        row.GetText("EventType"),
        row.GetFlag("IsControl"),
        row.GetTime("QueuedAt"),
        row.GetInt32("Attempts") ?? 0,
        row.GetString("LastError"),
        row.GetString("Txn"));

    /// <summary>A SET row as the event trace shows it.</summary>
    public static LoggedSet ReadLoggedSet(TableEntity row) => new(
        row.GetText("StreamId"),
        PositionOf(row.RowKey),
        row.GetText("Jti"),
        row.GetString("Txn"),
        row.GetText("EventType"),
        row.GetFlag("IsControl"),
        (LoggedSetState)(row.GetInt32("State") ?? Queued),
        row.GetTime("CreatedAt"),
        row.GetDateTimeOffset("DoneAt"),
        row.GetInt32("Attempts") ?? 0,
        row.GetString("LastError"),
        row.GetString("ReissuedFrom"));

    /// <summary>The merge that marks a SET delivered or acknowledged and drops its token.</summary>
    public static TableEntity DoneRow(string partition, long position, DateTimeOffset at, int attempts, bool acknowledged)
    {
        var row = new TableEntity(partition, SetKey(position)) { ["State"] = acknowledged ? Acknowledged : Delivered, ["DoneAt"] = at, ["Attempts"] = attempts };
        foreach (var property in TokenProperties)
        {
            row[property] = string.Empty;
        }

        return row;
    }

    /// <summary>Reads a dead letter from its SET row.</summary>
    public static DeadLetter ReadDeadLetter(TableEntity row) => new(
        row.GetText("Jti"),
        row.GetText("EventType"),
        row.GetTime("CreatedAt"),
        row.GetTime("QueuedAt"),
        row.GetInt32("Attempts") ?? 0,
        row.GetString("LastError"),
        ReadToken(row));

    /// <summary>The token, joined from its chunks.</summary>
    public static string ReadToken(TableEntity row)
    {
        var first = row.GetText(TokenProperties[0]);
        if (first.Length < TokenChunkLength)
        {
            return first;
        }

        var token = new System.Text.StringBuilder(first);
        for (var chunk = 1; chunk < TokenProperties.Length && row.GetString(TokenProperties[chunk]) is { } part; chunk++)
        {
            token.Append(part);
        }

        return token.ToString();
    }

    /// <summary>Roughly how many bytes a row adds to a transaction's request body: its strings, and the per-operation
    /// framing of the multipart batch.</summary>
    public static int WireSize(TableEntity row)
    {
        var size = 700;
        foreach (var value in ((IDictionary<string, object>)row).Values)
        {
            size += value is string text ? text.Length + 40 : 48;
        }

        return size;
    }
}
