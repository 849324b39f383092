using System.Text.Json;
using SetHub.Core.Json;
using SetHub.Core.Results;
using SetHub.Core.Subjects;

namespace SetHub.Core.Streams;

/// <summary>A status change request (SSF 1.0 §8.1.2.2).</summary>
/// <param name="StreamId">The stream.</param>
/// <param name="Status">The new status.</param>
/// <param name="Reason">Why, if given.</param>
public sealed record StatusRequest(string StreamId, StreamStatus Status, string? Reason);

/// <summary>An add- or remove-subject request (SSF 1.0 §8.1.3.2–3).</summary>
/// <param name="StreamId">The stream.</param>
/// <param name="Subject">The validated subject.</param>
/// <param name="Verified">The receiver's <c>verified</c> flag (true when omitted).</param>
public sealed record SubjectRequest(string StreamId, SubjectIdentifier Subject, bool Verified);

/// <summary>A verification request (SSF 1.0 §8.1.4.2).</summary>
/// <param name="StreamId">The stream.</param>
/// <param name="State">The <c>state</c> to echo, if any.</param>
public sealed record VerificationRequest(string StreamId, string? State);

/// <summary>Parsers for the Stream Management bodies other than the configuration itself (<see cref="StreamRequest"/>).</summary>
public static class ManagementRequests
{
    /// <summary>The longest status reason accepted.</summary>
    public const int MaxReasonLength = 1024;

    /// <summary>The longest verification <c>state</c> accepted.</summary>
    public const int MaxStateLength = 4096;

    /// <summary>
    /// <c>{"stream_id", "status", "reason"?}</c>. The stream id may also come in the query (as the OIDF suite sends it);
    /// if both are given they must agree.
    /// </summary>
    public static Result<StatusRequest> ParseStatus(JsonElement body, string? queryStreamId)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return OperationError.Invalid("The request body must be a JSON object.");
        }

        var streamId = ReadStreamId(body, queryStreamId);
        if (!streamId.IsSuccess)
        {
            return streamId.Error;
        }

        if (!body.TryGetProperty("status", out var statusElement) ||
            statusElement.ValueKind != JsonValueKind.String ||
            !StreamStatusNames.TryParse(statusElement.GetString(), out var status))
        {
            return OperationError.Invalid("'status' is required and must be \"enabled\", \"paused\" or \"disabled\" (SSF 1.0 §8.1.2.1).");
        }

        var reason = JsonBody.OptionalString(body, "reason", MaxReasonLength);
        return reason.IsSuccess ? new StatusRequest(streamId.Value, status, reason.Value) : reason.Error;
    }

    /// <summary>The operator's status change body, <c>{"status", "reason"?}</c>: only those members.</summary>
    public static Result<(StreamStatus Status, string? Reason)> ParseAdminStatus(JsonElement body)
    {
        if (JsonBody.RequireObjectWithOnly(body, "status", "reason") is { } shapeError)
        {
            return shapeError;
        }

        if (!body.TryGetProperty("status", out var value) || value.ValueKind != JsonValueKind.String ||
            !StreamStatusNames.TryParse(value.GetString(), out var status))
        {
            return OperationError.Invalid("'status' is required and must be \"enabled\", \"paused\" or \"disabled\".");
        }

        var reason = JsonBody.OptionalString(body, "reason", MaxReasonLength);
        return reason.IsSuccess ? (status, reason.Value) : reason.Error;
    }

    /// <summary><c>{"stream_id", "subject", "verified"?}</c>, for adding and removing alike: <c>verified</c> means
    /// something only on add (SSF 1.0 §8.1.3.2), but a malformed one is refused on both, so the two calls agree on
    /// what a valid body is.</summary>
    public static Result<SubjectRequest> ParseSubject(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return OperationError.Invalid("The request body must be a JSON object.");
        }

        var streamId = ReadStreamId(body, queryStreamId: null);
        if (!streamId.IsSuccess)
        {
            return streamId.Error;
        }

        if (!body.TryGetProperty("subject", out var subjectElement))
        {
            return OperationError.Invalid("'subject' is required (SSF 1.0 §8.1.3.2).");
        }

        var subject = SubjectParser.Parse(subjectElement);
        if (!subject.IsSuccess)
        {
            return subject.Error;
        }

        var verified = true; // SSF 1.0 §8.1.3.2: when omitted, assume verified
        if (body.TryGetProperty("verified", out var verifiedElement))
        {
            if (verifiedElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return OperationError.Invalid("'verified' must be a boolean.");
            }

            verified = verifiedElement.GetBoolean();
        }

        return new SubjectRequest(streamId.Value, subject.Value, verified);
    }

    /// <summary><c>{"stream_id", "state"?}</c>.</summary>
    public static Result<VerificationRequest> ParseVerification(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return OperationError.Invalid("The request body must be a JSON object.");
        }

        var streamId = ReadStreamId(body, queryStreamId: null);
        if (!streamId.IsSuccess)
        {
            return streamId.Error;
        }

        var state = JsonBody.OptionalString(body, "state", MaxStateLength);
        return state.IsSuccess ? new VerificationRequest(streamId.Value, state.Value) : state.Error;
    }

    /// <summary>Re-drive: <c>{}</c> for all dead letters, or <c>{"jtis": [...]}</c>.</summary>
    public static Result<IReadOnlyList<string>?> ParseRedrive(JsonElement body, int maxJtis)
    {
        if (JsonBody.RequireObjectWithOnly(body, "jtis") is { } shapeError)
        {
            return shapeError;
        }

        if (!body.TryGetProperty("jtis", out var list))
        {
            return Result<IReadOnlyList<string>?>.Success(null);
        }

        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() is 0 || list.GetArrayLength() > maxJtis ||
            list.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String))
        {
            return OperationError.Invalid($"'jtis' must be an array of 1 to {maxJtis} jti strings.");
        }

        return Result<IReadOnlyList<string>?>.Success([.. list.EnumerateArray().Select(item => item.GetString()!)]);
    }

    private static Result<string> ReadStreamId(JsonElement body, string? queryStreamId)
    {
        string? bodyStreamId = null;
        if (body.TryGetProperty("stream_id", out var value))
        {
            if (value.ValueKind != JsonValueKind.String || value.GetString()!.Length == 0)
            {
                return OperationError.Invalid("'stream_id' must be a non-empty string.");
            }

            bodyStreamId = value.GetString();
        }

        if (bodyStreamId is not null && queryStreamId is not null && bodyStreamId != queryStreamId)
        {
            return OperationError.Invalid("The 'stream_id' in the query and in the body differ.");
        }

        var streamId = bodyStreamId ?? queryStreamId;
        return string.IsNullOrEmpty(streamId)
            ? OperationError.Invalid("'stream_id' is required.")
            : streamId;
    }
}
