using System.Text.Json;
using SetHub.Core.Results;
using SetHub.Core.Security;
using SetHub.Core.Tenants;
using SetHub.Grains.Tenants;

namespace SetHub.Management;

/// <summary>The operator and tenant API's tenant calls: the tenant grain does the work; this validates what it can
/// before any grain is asked.</summary>
internal sealed class TenantAdministration(IGrainFactory grains, Core.Storage.ITenantDirectoryStore directory)
{
    /// <summary>Creates or updates a tenant from a PUT body.</summary>
    public async Task<Result<TenantPutResult>> PutAsync(string tenantId, JsonElement body, Caller caller)
    {
        if (!TenantIds.IsValid(tenantId))
        {
            return OperationError.Invalid("The tenant id must match ^[a-z0-9][a-z0-9-]{0,62}$.");
        }

        // Validated here so a bad body never reaches (or activates) the grain; the grain parses it again to apply it.
        var changes = TenantChanges.Parse(body);
        if (!changes.IsSuccess)
        {
            return changes.Error;
        }

        // A tenant cannot lift (or impose) its own suspension.
        if (changes.Value.Disabled.IsPresent && caller.Kind != TokenKind.Operator)
        {
            return OperationError.Forbidden($"Only the operator may set '{TenantChanges.DisabledMember}'.");
        }

        return (await Tenant(tenantId).Put(body.GetRawText())).ToResult();
    }

    /// <summary>Deletes a tenant and everything it owns.</summary>
    public async Task<OperationError?> DeleteAsync(string tenantId) =>
        TenantIds.IsValid(tenantId) && await Tenant(tenantId).Delete() ? null : NoSuchTenant(tenantId);

    /// <summary>Reads a tenant.</summary>
    public async Task<Result<TenantData>> GetAsync(string tenantId) =>
        TenantIds.IsValid(tenantId) && await Tenant(tenantId).Get() is { } tenant ? tenant : NoSuchTenant(tenantId);

    /// <summary>Every tenant, ordered by id.</summary>
    public async Task<IReadOnlyList<TenantData>> ListAsync(CancellationToken cancellationToken)
    {
        var ids = await directory.ListTenantsAsync(cancellationToken);
        var tenants = await Task.WhenAll(ids.Select(id => Tenant(id).Get()));
        return [.. tenants.OfType<TenantData>()];
    }

    /// <summary>Registers a receiver from a registration body.</summary>
    public async Task<Result<ReceiverRegistration>> RegisterReceiverAsync(string tenantId, JsonElement body)
    {
        if ((await GetAsync(tenantId)).Error is { } missing)
        {
            return missing;
        }

        var request = ReceiverRequest.Parse(body);
        return request.IsSuccess
            ? (await Tenant(tenantId).RegisterReceiver(request.Value.Name, request.Value.Audience, request.Value.SigningAlgorithm)).ToResult()
            : request.Error;
    }

    /// <summary>A tenant's receivers.</summary>
    public async Task<Result<ReceiverData[]>> ListReceiversAsync(string tenantId) =>
        (await GetAsync(tenantId)).Error is { } missing ? missing : await Tenant(tenantId).ListReceivers();

    /// <summary>One receiver.</summary>
    public async Task<Result<ReceiverData>> GetReceiverAsync(string tenantId, string receiverId)
    {
        var receivers = await ListReceiversAsync(tenantId);
        if (!receivers.IsSuccess)
        {
            return receivers.Error;
        }

        return receivers.Value.FirstOrDefault(receiver => receiver.ReceiverId == receiverId) is { } found ? found : NoSuchReceiver(tenantId, receiverId);
    }

    /// <summary>Revokes a receiver and deletes its streams.</summary>
    public async Task<OperationError?> RevokeReceiverAsync(string tenantId, string receiverId)
    {
        if ((await GetAsync(tenantId)).Error is { } missing)
        {
            return missing;
        }

        return await Tenant(tenantId).RevokeReceiver(receiverId) ? null : NoSuchReceiver(tenantId, receiverId);
    }

    /// <summary>Issues the tenant a new token (the old one stops working at once, on every node).</summary>
    public async Task<Result<TenantPutResult>> ReissueTenantTokenAsync(string tenantId) =>
        (await GetAsync(tenantId)).Error is { } missing ? missing : (await Tenant(tenantId).ReissueTenantToken()).ToResult();

    /// <summary>Issues a receiver a new token (the old one stops working at once, on every node).</summary>
    public async Task<Result<ReceiverRegistration>> ReissueReceiverTokenAsync(string tenantId, string receiverId) =>
        (await GetAsync(tenantId)).Error is { } missing ? missing : (await Tenant(tenantId).ReissueReceiverToken(receiverId)).ToResult();

    /// <summary>The published keys.</summary>
    public async Task<Result<SigningKeyData[]>> ListKeysAsync(string tenantId) =>
        (await GetAsync(tenantId)).Error is { } missing ? missing : await Tenant(tenantId).GetPublishedKeys();

    /// <summary>Rotates the signing keys.</summary>
    public async Task<Result<SigningKeyData[]>> RotateKeysAsync(string tenantId) =>
        (await GetAsync(tenantId)).Error is { } missing ? missing : (await Tenant(tenantId).RotateKeys()).ToResult();

    private ITenantGrain Tenant(string tenantId) => grains.GetGrain<ITenantGrain>(tenantId);

    private static OperationError NoSuchTenant(string tenantId) => OperationError.NotFound($"No tenant '{tenantId}'.");

    private static OperationError NoSuchReceiver(string tenantId, string receiverId) =>
        OperationError.NotFound($"No receiver '{receiverId}' in tenant '{tenantId}'.");
}
