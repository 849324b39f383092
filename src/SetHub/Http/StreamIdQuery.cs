using SetHub.Core.Results;

namespace SetHub.Http;

/// <summary>
/// The <c>stream_id</c> query parameter of the SSF 1.0 §8.1.1.2, §8.1.1.5, §8.1.2.1 and §8.1.2.2 calls. It is bound
/// as an array, not a <see cref="string"/>: a string would join <c>?stream_id=a&amp;stream_id=b</c> into the id
/// <c>"a,b"</c>. Absent is absent; present, it names exactly one stream, so empty or repeated is a 400.
/// </summary>
internal static class StreamIdQuery
{
    /// <summary>The stream id, or <see langword="null"/> when the parameter is absent.</summary>
    public static Result<string?> Optional(string[]? values) => values switch
    {
        null or [] => Result<string?>.Success(null),
        [{ Length: > 0 } id] => id,
        [_] => OperationError.Invalid("The 'stream_id' query parameter must not be empty."),
        _ => OperationError.Invalid("The 'stream_id' query parameter must be given once."),
    };

    /// <summary>The stream id of a call that requires one (<paramref name="section"/> names the spec section).</summary>
    public static Result<string> Required(string[]? values, string section)
    {
        var streamId = Optional(values);
        if (!streamId.IsSuccess)
        {
            return streamId.Error;
        }

        return streamId.Value is { } id
            ? id
            : OperationError.Invalid($"The 'stream_id' query parameter is required ({section}).");
    }
}
