using System.Buffers.Text;
using System.Globalization;
using System.Text;
using SetHub.Core.Results;
using SetHub.Core.Storage;

namespace SetHub.Core.Streams;

/// <summary>
/// One page of a stream's subjects, oldest first, and the opaque cursor of the next: the position of the last subject
/// shown (when it was added, and its key), so a page is stable while subjects are added or removed between calls.
/// </summary>
/// <param name="Subjects">The subjects of this page.</param>
/// <param name="NextCursor">The cursor of the next page, or <see langword="null"/> after the last.</param>
public sealed record SubjectPage(IReadOnlyList<StreamSubjectRow> Subjects, string? NextCursor)
{
    /// <summary>The most subjects one page holds; also its default size is 100.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Pages <paramref name="rows"/> (oldest first, one per subject, as the store lists them).</summary>
    public static Result<SubjectPage> Of(IReadOnlyList<StreamSubjectRow> rows, int? limit, string? cursor)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (limit is < 1 or > MaxLimit)
        {
            return OperationError.Invalid($"'limit' must be between 1 and {MaxLimit}.");
        }

        var after = (DateTimeOffset.MinValue, string.Empty);
        if (cursor is not null)
        {
            if (Decode(cursor) is not { } position)
            {
                return OperationError.Invalid("'cursor' is not a cursor this listing gave.");
            }

            after = position;
        }

        var take = limit ?? 100;
        var page = rows.Where(row => IsAfter(row, after)).Take(take + 1).ToList();
        var more = page.Count > take;
        if (more)
        {
            page.RemoveAt(take);
        }

        return new SubjectPage(page, more ? Encode(page[^1]) : null);
    }

    private static bool IsAfter(StreamSubjectRow row, (DateTimeOffset CreatedAt, string SubjectKey) after) =>
        row.CreatedAt > after.CreatedAt || (row.CreatedAt == after.CreatedAt && string.CompareOrdinal(row.SubjectKey, after.SubjectKey) > 0);

    private static string Encode(StreamSubjectRow row) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Concat(row.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture), "|", row.SubjectKey)));

    private static (DateTimeOffset, string)? Decode(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            var separator = text.IndexOf('|', StringComparison.Ordinal);
            return separator > 0 && long.TryParse(text.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) &&
                   ticks <= DateTimeOffset.MaxValue.UtcTicks
                ? (new DateTimeOffset(ticks, TimeSpan.Zero), text[(separator + 1)..])
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
