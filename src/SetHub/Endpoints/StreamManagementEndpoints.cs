using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SetHub.Core.Results;
using SetHub.Core.Streams;
using SetHub.Grains.Streams;
using SetHub.Hosting;
using SetHub.Http;
using SetHub.Json;
using SetHub.Management;
using SetHub.Security;

namespace SetHub.Endpoints;

/// <summary>
/// The SSF 1.0 §8 Stream Management API of each tenant, for its receivers. Authentication runs first (the route's
/// authorization policy), then the body is parsed, then the stream is looked up: the order the OIDF suite checks.
/// </summary>
internal static class StreamManagementEndpoints
{
    public static IEndpointRouteBuilder MapStreamManagementEndpoints(this IEndpointRouteBuilder app)
    {
        var ssf = app.MapGroup(TransmitterUrls.TenantPrefix + "/ssf")
            .RequireAuthorization(SetHubPolicies.Receiver)
            .AddEndpointFilter(async (context, next) =>
            {
                // SSF 1.0 §8.1.1.2 examples: stream configuration and status answers are not cached.
                context.HttpContext.Response.Headers.CacheControl = "no-store";
                return await next(context);
            });

        ssf.MapPost("/streams", CreateStream);
        ssf.MapGet("/streams", ReadStreams);
        ssf.MapPatch("/streams", UpdateStream);
        ssf.MapPut("/streams", ReplaceStream);
        ssf.MapDelete("/streams", DeleteStream);
        ssf.MapGet("/status", ReadStatus);
        ssf.MapPost("/status", UpdateStatus);
        ssf.MapPost("/subjects:add", AddSubject);
        ssf.MapPost("/subjects:remove", RemoveSubject);
        ssf.MapPost("/verify", RequestVerification);
        return app;
    }

    // SSF 1.0 §8.1.1.1
    private static async Task<Results<Created<StreamConfigurationResponse>, JsonHttpResult<ErrorResponse>>> CreateStream(
        JsonBody body, HttpContext context, StreamManagement streams, StreamRendering rendering, CancellationToken cancellationToken)
    {
        if (body.Error is { } invalid)
        {
            return ApiResults.Error(invalid);
        }

        var created = await streams.CreateAsync(context.User.GetCaller(), body.Root, cancellationToken);
        return created.IsSuccess
            ? TypedResults.Created((string?)null, await rendering.RenderAsync(created.Value))
            : ApiResults.Error(created.Error);
    }

    // SSF 1.0 §8.1.1.2: one stream with ?stream_id=, otherwise always a JSON array.
    private static async Task<IResult> ReadStreams(
        HttpContext context, [FromQuery(Name = "stream_id")] string[] streamIdQuery, StreamManagement streams, StreamRendering rendering)
    {
        var caller = context.User.GetCaller();
        var streamId = StreamIdQuery.Optional(streamIdQuery);
        if (!streamId.IsSuccess)
        {
            return ApiResults.Error(streamId.Error);
        }

        if (streamId.Value is { } id)
        {
            var stream = await streams.GetAsync(caller, id);
            return stream.IsSuccess
                ? TypedResults.Ok(await rendering.RenderAsync(stream.Value))
                : ApiResults.Error(stream.Error);
        }

        var all = await streams.ListAsync(caller);
        return TypedResults.Ok<IReadOnlyList<StreamConfigurationResponse>>(await rendering.RenderAsync(caller.TenantId!, all));
    }

    // SSF 1.0 §8.1.1.3
    private static Task<Results<Ok<StreamConfigurationResponse>, JsonHttpResult<ErrorResponse>>> UpdateStream(
        JsonBody body, HttpContext context, StreamManagement streams, StreamRendering rendering, CancellationToken cancellationToken) =>
        ChangeStreamAsync(body, context, streams, rendering, StreamOperation.Update, cancellationToken);

    // SSF 1.0 §8.1.1.4
    private static Task<Results<Ok<StreamConfigurationResponse>, JsonHttpResult<ErrorResponse>>> ReplaceStream(
        JsonBody body, HttpContext context, StreamManagement streams, StreamRendering rendering, CancellationToken cancellationToken) =>
        ChangeStreamAsync(body, context, streams, rendering, StreamOperation.Replace, cancellationToken);

    // SSF 1.0 §8.1.1.5: stream_id is a required query parameter.
    private static async Task<Results<NoContent, JsonHttpResult<ErrorResponse>>> DeleteStream(
        HttpContext context, [FromQuery(Name = "stream_id")] string[] streamIdQuery, StreamManagement streams)
    {
        var streamId = StreamIdQuery.Required(streamIdQuery, "SSF 1.0 §8.1.1.5");
        return streamId.IsSuccess
            ? ApiResults.NoContentOr(await streams.DeleteAsync(context.User.GetCaller(), streamId.Value))
            : ApiResults.Error(streamId.Error);
    }

    // SSF 1.0 §8.1.2.1
    private static async Task<Results<Ok<StreamStatusResponse>, JsonHttpResult<ErrorResponse>>> ReadStatus(
        HttpContext context, [FromQuery(Name = "stream_id")] string[] streamIdQuery, StreamManagement streams)
    {
        var streamId = StreamIdQuery.Required(streamIdQuery, "SSF 1.0 §8.1.2.1");
        return streamId.IsSuccess
            ? ApiResults.OkOr(ToStatusResponse(await streams.GetStatusAsync(context.User.GetCaller(), streamId.Value)))
            : ApiResults.Error(streamId.Error);
    }

    // SSF 1.0 §8.1.2.2: stream_id may come in the query, the body, or both (then they must agree).
    private static async Task<Results<Ok<StreamStatusResponse>, JsonHttpResult<ErrorResponse>>> UpdateStatus(
        JsonBody body, HttpContext context, [FromQuery(Name = "stream_id")] string[] streamIdQuery, StreamManagement streams)
    {
        var streamId = StreamIdQuery.Optional(streamIdQuery);
        if ((body.Error ?? streamId.Error) is { } invalid)
        {
            return ApiResults.Error(invalid);
        }

        return ApiResults.OkOr(ToStatusResponse(await streams.UpdateStatusAsync(context.User.GetCaller(), body.Root, streamId.Value)));
    }

    // SSF 1.0 §8.1.3.2: an empty 200.
    private static async Task<Results<Ok, JsonHttpResult<ErrorResponse>>> AddSubject(
        JsonBody body, HttpContext context, StreamManagement streams) =>
        (body.Error ?? await streams.ChangeSubjectAsync(context.User.GetCaller(), body.Root, add: true)) is { } error
            ? ApiResults.Error(error)
            : TypedResults.Ok();

    // SSF 1.0 §8.1.3.3: 204.
    private static async Task<Results<NoContent, JsonHttpResult<ErrorResponse>>> RemoveSubject(
        JsonBody body, HttpContext context, StreamManagement streams) =>
        ApiResults.NoContentOr(body.Error ?? await streams.ChangeSubjectAsync(context.User.GetCaller(), body.Root, add: false));

    // SSF 1.0 §8.1.4.2: 204; the SET is already queued when this answers.
    private static async Task<Results<NoContent, JsonHttpResult<ErrorResponse>>> RequestVerification(
        JsonBody body, HttpContext context, StreamManagement streams) =>
        ApiResults.NoContentOr(body.Error ?? await streams.RequestVerificationAsync(context.User.GetCaller(), body.Root));

    private static async Task<Results<Ok<StreamConfigurationResponse>, JsonHttpResult<ErrorResponse>>> ChangeStreamAsync(
        JsonBody body, HttpContext context, StreamManagement streams, StreamRendering rendering, StreamOperation operation, CancellationToken cancellationToken)
    {
        if (body.Error is { } invalid)
        {
            return ApiResults.Error(invalid);
        }

        var changed = await streams.UpdateAsync(context.User.GetCaller(), body.Root, operation, cancellationToken);
        return changed.IsSuccess
            ? TypedResults.Ok(await rendering.RenderAsync(changed.Value))
            : ApiResults.Error(changed.Error);
    }

    internal static int? Seconds(TimeSpan? value) => value is { } span ? (int)span.TotalSeconds : null;

    private static Result<StreamStatusResponse> ToStatusResponse(Result<StreamData> stream) =>
        stream.IsSuccess
            ? new StreamStatusResponse(stream.Value.StreamId, stream.Value.Status.ToWire(), stream.Value.StatusReason)
            : stream.Error;
}
