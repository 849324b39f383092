using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SetHub.Core.Streams;
using SetHub.Grains.Streams;
using SetHub.Http;
using SetHub.Json;
using SetHub.Management;
using SetHub.Security;

namespace SetHub.Endpoints;

/// <summary>The operator's view of a tenant's streams: inspection, transmitter-initiated status changes, dead letters.</summary>
internal static class AdminStreamEndpoints
{
    public static IEndpointRouteBuilder MapAdminStreamEndpoints(this IEndpointRouteBuilder app)
    {
        var streams = app.MapGroup("/admin/tenants/{tenantId}/streams").RequireAuthorization(SetHubPolicies.TenantAdmin);
        streams.MapGet(string.Empty, ListStreams);
        streams.MapGet("/{streamId}", GetStream);
        streams.MapDelete("/{streamId}", DeleteStream);
        streams.MapPost("/{streamId}/status", ChangeStatus);
        streams.MapGet("/{streamId}/subjects", ListSubjects);
        streams.MapGet("/{streamId}/dead-letters", ListDeadLetters);
        streams.MapPost("/{streamId}/dead-letters:redrive", Redrive);
        return app;
    }

    private static async Task<Ok<IReadOnlyList<AdminStreamResponse>>> ListStreams(string tenantId, StreamAdministration administration)
    {
        var all = await administration.ListAsync(tenantId);
        return TypedResults.Ok<IReadOnlyList<AdminStreamResponse>>([.. all.Select(stream => ToResponse(stream, queue: null))]);
    }

    private static async Task<Results<Ok<AdminStreamResponse>, JsonHttpResult<ErrorResponse>>> GetStream(
        string tenantId, string streamId, StreamAdministration administration)
    {
        var overview = await administration.GetAsync(tenantId, streamId);
        return overview.IsSuccess
            ? TypedResults.Ok(ToResponse(overview.Value.Stream, new QueueResponse(overview.Value.Queued, overview.Value.Held, overview.Value.DeadLettered)) with
            {
                DeliveryState = new DeliveryStateResponse(
                    overview.Value.Delivery.LastSuccessAt, overview.Value.Delivery.ConsecutiveFailures, overview.Value.Delivery.NextRetryAt, overview.Value.Delivery.LastError),
            })
            : ApiResults.Error(overview.Error);
    }

    private static async Task<Results<NoContent, JsonHttpResult<ErrorResponse>>> DeleteStream(
        string tenantId, string streamId, StreamAdministration administration) =>
        await administration.DeleteAsync(tenantId, streamId) is { } error ? ApiResults.Error(error) : TypedResults.NoContent();

    // SSF 1.0 §8.1.5: a status change by the transmitter is announced to the receiver with a stream-updated SET.
    private static async Task<Results<Ok<AdminStreamResponse>, JsonHttpResult<ErrorResponse>>> ChangeStatus(
        string tenantId, string streamId, JsonBody body, StreamAdministration administration)
    {
        if (body.Error is { } invalid)
        {
            return ApiResults.Error(invalid);
        }

        var changed = await administration.ChangeStatusAsync(tenantId, streamId, body.Root);
        return changed.IsSuccess ? TypedResults.Ok(ToResponse(changed.Value, queue: null)) : ApiResults.Error(changed.Error);
    }

    private static async Task<Results<Ok<SubjectListResponse>, JsonHttpResult<ErrorResponse>>> ListSubjects(
        string tenantId, string streamId, [FromQuery] int? limit, [FromQuery] string? cursor, StreamAdministration administration)
    {
        var page = await administration.ListSubjectsAsync(tenantId, streamId, limit, cursor);
        if (!page.IsSuccess)
        {
            return ApiResults.Error(page.Error);
        }

        return TypedResults.Ok(new SubjectListResponse(
            [.. page.Value.Subjects.Select(row => new StreamSubjectResponse(System.Text.Json.JsonElement.Parse(row.SubjectJson), row.Included, row.Verified, row.CreatedAt))],
            page.Value.NextCursor));
    }

    private static async Task<Results<Ok<IReadOnlyList<DeadLetterResponse>>, JsonHttpResult<ErrorResponse>>> ListDeadLetters(
        string tenantId, string streamId, [FromQuery] int? limit, StreamAdministration administration)
    {
        var letters = await administration.ListDeadLettersAsync(tenantId, streamId, limit);
        return letters.IsSuccess
            ? TypedResults.Ok<IReadOnlyList<DeadLetterResponse>>([.. letters.Value
                .Select(letter => new DeadLetterResponse(letter.Jti, letter.EventType, letter.CreatedAt, letter.QueuedAt, letter.Attempts, letter.LastError))])
            : ApiResults.Error(letters.Error);
    }

    private static async Task<Results<Ok<RedriveResponse>, JsonHttpResult<ErrorResponse>>> Redrive(
        string tenantId, string streamId, JsonBody body, StreamAdministration administration)
    {
        if (body.Error is { } invalid)
        {
            return ApiResults.Error(invalid);
        }

        var redriven = await administration.RedriveAsync(tenantId, streamId, body.Root);
        return redriven.IsSuccess
            ? TypedResults.Ok(new RedriveResponse(redriven.Value.Count, redriven.Value.Reissued.ToDictionary(set => set.Jti, set => set.NewJti, StringComparer.Ordinal)))
            : ApiResults.Error(redriven.Error);
    }

    private static AdminStreamResponse ToResponse(StreamData stream, QueueResponse? queue) => new(
        stream.StreamId,
        stream.ReceiverId,
        stream.Audience,
        stream.Status.ToWire(),
        stream.StatusReason,
        new DeliveryResponse(stream.DeliveryMethod, stream.EndpointUrl, stream.AuthorizationHeader),
        stream.EventsDelivered,
        stream.Description,
        stream.DefaultSubjects,
        StreamManagementEndpoints.Seconds(stream.InactivityTimeout),
        StreamManagementEndpoints.Seconds(stream.MinVerificationInterval),
        stream.CreatedAt,
        stream.UpdatedAt,
        queue);
}
