using System.Buffers;
using System.Text.Json;
using SetHub.Core.Results;

namespace SetHub.Http;

/// <summary>
/// Reads a request body as JSON, by hand rather than through parameter binding: handlers call it only after
/// authentication succeeded (the OIDF suite checks that a bad token wins over a bad body), and every parse failure
/// becomes SetHub's own 400 body. An empty body reads as <c>{}</c>; the Content-Type is not enforced (A9).
/// </summary>
internal static class JsonRequest
{
    /// <summary>The largest body accepted: management and poll requests are small.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 32 };

    public static async Task<Result<JsonDocument>> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > MaxBodyBytes)
        {
            return OperationError.Invalid($"The request body is larger than {MaxBodyBytes} bytes.");
        }

        var buffer = new ArrayBufferWriter<byte>(request.ContentLength is > 0 and var length ? (int)length : 512);
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var read = await request.Body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > MaxBodyBytes)
            {
                return OperationError.Invalid($"The request body is larger than {MaxBodyBytes} bytes.");
            }
        }

        if (IsBlank(buffer.WrittenSpan))
        {
            return JsonDocument.Parse("{}");
        }

        try
        {
            return JsonDocument.Parse(buffer.WrittenMemory, ParseOptions);
        }
        catch (JsonException)
        {
            return OperationError.Invalid("The request body is not valid JSON.");
        }
    }

    private static bool IsBlank(ReadOnlySpan<byte> body) => body.Trim(" \t\r\n"u8).IsEmpty;
}
