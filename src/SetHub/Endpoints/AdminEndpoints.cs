using Microsoft.AspNetCore.Http.HttpResults;
using SetHub.Core.Tenants;
using SetHub.Grains.Tenants;
using SetHub.Http;
using SetHub.Json;
using SetHub.Management;
using SetHub.Security;

namespace SetHub.Endpoints;

/// <summary>The operator and tenant API under <c>/admin</c> (the interface contract).</summary>
internal static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin");
        admin.MapGet("/tenants", ListTenants).RequireAuthorization(SetHubPolicies.Operator);

        var tenant = admin.MapGroup("/tenants/{tenantId}").RequireAuthorization(SetHubPolicies.TenantAdmin);
        tenant.MapPut(string.Empty, PutTenant);
        tenant.MapGet(string.Empty, GetTenant);
        tenant.MapDelete(string.Empty, DeleteTenant).RequireAuthorization(SetHubPolicies.Operator);
        tenant.MapPost("/receivers", RegisterReceiver);
        tenant.MapGet("/receivers", ListReceivers);
        tenant.MapGet("/receivers/{receiverId}", GetReceiver);
        tenant.MapDelete("/receivers/{receiverId}", DeleteReceiver);
        tenant.MapPost("/receivers/{receiverId}/token:reissue", ReissueReceiverToken);
        tenant.MapPost("/token:reissue", ReissueTenantToken);
        tenant.MapGet("/keys", ListKeys);
        tenant.MapPost("/keys:rotate", RotateKeys);
        return app;
    }

    private static async Task<Ok<IReadOnlyList<TenantResponse>>> ListTenants(TenantAdministration tenants, ITransmitterUrls urls, CancellationToken cancellationToken)
    {
        var all = await tenants.ListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<TenantResponse>>([.. all.Select(t => ToResponse(t, urls, token: null))]);
    }

    private static async Task<Results<Created<TenantResponse>, Ok<TenantResponse>, JsonHttpResult<ErrorResponse>>> PutTenant(
        string tenantId, JsonBody body, TenantAdministration tenants, ITransmitterUrls urls, HttpContext http)
    {
        if (body.Error is { } invalid)
        {
            return ApiResults.Error(invalid);
        }

        var result = await tenants.PutAsync(tenantId, body.Root, http.User.GetCaller());
        if (!result.IsSuccess)
        {
            return ApiResults.Error(result.Error);
        }

        var response = ToResponse(result.Value.Tenant, urls, result.Value.Token);
        return result.Value.Created
            ? TypedResults.Created($"/admin/tenants/{tenantId}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<TenantResponse>, JsonHttpResult<ErrorResponse>>> GetTenant(
        string tenantId, TenantAdministration tenants, ITransmitterUrls urls)
    {
        var tenant = await tenants.GetAsync(tenantId);
        return tenant.IsSuccess ? TypedResults.Ok(ToResponse(tenant.Value, urls, token: null)) : ApiResults.Error(tenant.Error);
    }

    private static async Task<Results<NoContent, JsonHttpResult<ErrorResponse>>> DeleteTenant(string tenantId, TenantAdministration tenants) =>
        ApiResults.NoContentOr(await tenants.DeleteAsync(tenantId));

    private static async Task<Results<Created<ReceiverResponse>, JsonHttpResult<ErrorResponse>>> RegisterReceiver(
        string tenantId, JsonBody body, TenantAdministration tenants)
    {
        if (body.Error is { } invalid)
        {
            return ApiResults.Error(invalid);
        }

        var registration = await tenants.RegisterReceiverAsync(tenantId, body.Root);
        if (!registration.IsSuccess)
        {
            return ApiResults.Error(registration.Error);
        }

        var receiver = registration.Value.Receiver;
        return TypedResults.Created($"/admin/tenants/{tenantId}/receivers/{receiver.ReceiverId}", ToResponse(receiver, registration.Value.Token));
    }

    private static async Task<Results<Ok<IReadOnlyList<ReceiverResponse>>, JsonHttpResult<ErrorResponse>>> ListReceivers(
        string tenantId, TenantAdministration tenants)
    {
        var list = await tenants.ListReceiversAsync(tenantId);
        return list.IsSuccess
            ? TypedResults.Ok<IReadOnlyList<ReceiverResponse>>([.. list.Value.Select(r => ToResponse(r, token: null))])
            : ApiResults.Error(list.Error);
    }

    private static async Task<Results<Ok<ReceiverResponse>, JsonHttpResult<ErrorResponse>>> GetReceiver(
        string tenantId, string receiverId, TenantAdministration tenants)
    {
        var receiver = await tenants.GetReceiverAsync(tenantId, receiverId);
        return receiver.IsSuccess ? TypedResults.Ok(ToResponse(receiver.Value, token: null)) : ApiResults.Error(receiver.Error);
    }

    private static async Task<Results<NoContent, JsonHttpResult<ErrorResponse>>> DeleteReceiver(
        string tenantId, string receiverId, TenantAdministration tenants) =>
        ApiResults.NoContentOr(await tenants.RevokeReceiverAsync(tenantId, receiverId));

    // 201 with the new token, shown this once.
    private static async Task<Results<Created<ReceiverResponse>, JsonHttpResult<ErrorResponse>>> ReissueReceiverToken(
        string tenantId, string receiverId, TenantAdministration tenants)
    {
        var reissued = await tenants.ReissueReceiverTokenAsync(tenantId, receiverId);
        return reissued.IsSuccess
            ? TypedResults.Created($"/admin/tenants/{tenantId}/receivers/{receiverId}", ToResponse(reissued.Value.Receiver, reissued.Value.Token))
            : ApiResults.Error(reissued.Error);
    }

    private static async Task<Results<Created<TenantResponse>, JsonHttpResult<ErrorResponse>>> ReissueTenantToken(
        string tenantId, TenantAdministration tenants, ITransmitterUrls urls)
    {
        var reissued = await tenants.ReissueTenantTokenAsync(tenantId);
        return reissued.IsSuccess
            ? TypedResults.Created($"/admin/tenants/{tenantId}", ToResponse(reissued.Value.Tenant, urls, reissued.Value.Token))
            : ApiResults.Error(reissued.Error);
    }

    private static async Task<Results<Ok<IReadOnlyList<SigningKeyResponse>>, JsonHttpResult<ErrorResponse>>> ListKeys(
        string tenantId, TenantAdministration tenants)
    {
        var keys = await tenants.ListKeysAsync(tenantId);
        return keys.IsSuccess ? TypedResults.Ok<IReadOnlyList<SigningKeyResponse>>([.. keys.Value.Select(ToResponse)]) : ApiResults.Error(keys.Error);
    }

    private static async Task<Results<Ok<KeyRotationResponse>, JsonHttpResult<ErrorResponse>>> RotateKeys(
        string tenantId, TenantAdministration tenants)
    {
        var fresh = await tenants.RotateKeysAsync(tenantId);
        return fresh.IsSuccess ? TypedResults.Ok(new KeyRotationResponse([.. fresh.Value.Select(ToResponse)])) : ApiResults.Error(fresh.Error);
    }

    private static TenantResponse ToResponse(TenantData data, ITransmitterUrls urls, string? token)
    {
        var tenant = data.ToTenant();
        return new TenantResponse(
            tenant.TenantId,
            tenant.DisplayName,
            tenant.DefaultSubjects,
            tenant.EffectiveEventsSupported,
            StreamManagementEndpoints.Seconds(tenant.InactivityTimeout),
            StreamManagementEndpoints.Seconds(tenant.MinVerificationInterval),
            tenant.Disabled,
            urls.Issuer(tenant.TenantId),
            urls.JwksUri(tenant.TenantId),
            urls.ConfigurationUrl(tenant.TenantId),
            token);
    }

    private static ReceiverResponse ToResponse(ReceiverData receiver, string? token) =>
        new(receiver.ReceiverId, receiver.Name, receiver.Audience, receiver.SigningAlgorithm, receiver.CreatedAt, token);

    private static SigningKeyResponse ToResponse(SigningKeyData key) => new(key.KeyId, key.Algorithm, key.CreatedAt, key.RetiredAt);
}
