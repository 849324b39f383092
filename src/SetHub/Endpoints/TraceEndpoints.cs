using Microsoft.AspNetCore.Http.HttpResults;
using SetHub.Http;
using SetHub.Json;
using SetHub.Management;
using SetHub.Security;

namespace SetHub.Endpoints;

/// <summary>The event trace: where a publish's SETs (by <c>txn</c>) or one SET (by <c>jti</c>) stand.</summary>
internal static class TraceEndpoints
{
    public static IEndpointRouteBuilder MapTraceEndpoints(this IEndpointRouteBuilder app)
    {
        var tenant = app.MapGroup("/admin/tenants/{tenantId}").RequireAuthorization(SetHubPolicies.TenantAdmin);
        tenant.MapGet("/events/{txn}", TraceEvent);
        tenant.MapGet("/sets/{jti}", TraceSet);
        return app;
    }

    private static async Task<Results<Ok<EventTraceResponse>, JsonHttpResult<ErrorResponse>>> TraceEvent(
        string tenantId, string txn, EventTrace trace, CancellationToken cancellationToken) =>
        ApiResults.OkOr(await trace.ForTransactionAsync(tenantId, txn, cancellationToken));

    private static async Task<Results<Ok<TracedSetResponse>, JsonHttpResult<ErrorResponse>>> TraceSet(
        string tenantId, string jti, EventTrace trace, CancellationToken cancellationToken) =>
        ApiResults.OkOr(await trace.ForSetAsync(tenantId, jti, cancellationToken));
}
