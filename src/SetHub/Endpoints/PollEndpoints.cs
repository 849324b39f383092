using Microsoft.AspNetCore.Http.HttpResults;
using SetHub.Core.Delivery;
using SetHub.Core.Results;
using SetHub.Delivery;
using SetHub.Hosting;
using SetHub.Http;
using SetHub.Json;
using SetHub.Security;

namespace SetHub.Endpoints;

/// <summary>RFC 8936 poll delivery: each poll stream's <c>delivery.endpoint_url</c>.</summary>
internal static class PollEndpoints
{
    public static IEndpointRouteBuilder MapPollEndpoints(this IEndpointRouteBuilder app)
    {
        // SSF 1.0 §7.1.1: the management API's authorization scheme also protects the poll endpoint (R125).
        app.MapPost(TransmitterUrls.TenantPrefix + "/ssf/poll/{streamId}", Poll)
            .RequireAuthorization(SetHubPolicies.Receiver)
            .WithMetadata(DeliveryErrorBody.Metadata);
        return app;
    }

    private static async Task<Results<PollResult, JsonHttpResult<DeliveryErrorResponse>>> Poll(
        string streamId, JsonBody body, HttpContext context, LongPolls polls, CancellationToken cancellationToken)
    {
        Result<PollRequest> request = body.Error is { } invalid ? invalid : PollRequest.Parse(body.Root);
        if (!request.IsSuccess)
        {
            return DeliveryErrorBody.Result(request.Error);
        }

        var batch = await polls.PollAsync(context.User.GetCaller(), streamId, request.Value, cancellationToken);
        if (!batch.IsSuccess && batch.Error.Kind == ErrorKind.Unauthorized)
        {
            // RFC 6750 §3: the token was revoked while the poll waited.
            context.Response.Headers.WWWAuthenticate = BearerTokenHandler.InvalidTokenChallenge;
        }

        return batch.IsSuccess ? new PollResult(batch.Value) : DeliveryErrorBody.Result(batch.Error);
    }
}
