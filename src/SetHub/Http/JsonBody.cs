using System.Buffers;
using System.Text.Json;
using SetHub.Core.Json;
using SetHub.Core.Results;

namespace SetHub.Http;

/// <summary>
/// A JSON request body as an endpoint parameter. Binding happens inside the endpoint, after the authentication and
/// authorization middleware, so a bad token is answered before the body is read (the OIDF suite checks the order).
/// Binding never fails: a body that is not JSON arrives as <see cref="Error"/>, for the handler to answer with its own
/// 400 body. "JSON" is strict (<see cref="RequestJson"/>): UTF-8, Unicode strings, unique member names, so no handler
/// meets a string it cannot read. An empty body reads as <c>{}</c>; the Content-Type is not enforced (A9).
/// </summary>
internal sealed class JsonBody
{
    /// <summary>The largest body accepted: management and poll requests are small.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    private const int MaxDepth = 32;

    private JsonBody(JsonElement root, OperationError? error)
    {
        Root = root;
        Error = error;
    }

    /// <summary>The parsed body; <c>{}</c> when the request had none.</summary>
    public JsonElement Root { get; }

    /// <summary>Why the body could not be read, or <see langword="null"/>.</summary>
    public OperationError? Error { get; }

    /// <summary>Minimal API binding hook.</summary>
    public static async ValueTask<JsonBody> BindAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var read = await ReadAsync(context.Request, context.RequestAborted);
        if (!read.IsSuccess)
        {
            return new JsonBody(default, read.Error);
        }

        using var document = read.Value;
        return new JsonBody(document.RootElement.Clone(), null);
    }

    private static async Task<Result<JsonDocument>> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > MaxBodyBytes)
        {
            return OperationError.TooLarge($"The request body is larger than {MaxBodyBytes} bytes.");
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
                return OperationError.TooLarge($"The request body is larger than {MaxBodyBytes} bytes.");
            }
        }

        if (IsBlank(buffer.WrittenSpan))
        {
            return JsonDocument.Parse("{}");
        }

        return RequestJson.Parse(buffer.WrittenMemory, MaxDepth);
    }

    private static bool IsBlank(ReadOnlySpan<byte> body) => body.Trim(" \t\r\n"u8).IsEmpty;
}
