namespace SetHub.Grains.Tenants;

/// <summary>
/// Deleting a tenant: marked durably first, so from then on it does not exist for any caller (its tokens fail, its
/// discovery and JWKS answer 404) and a crash half-way resumes the job on the next activation; then its streams (with
/// their SETs and subjects), receivers, opt-outs and idempotency keys go, and last its own state.
/// </summary>
internal sealed partial class TenantGrain
{
    // Streams deleted at once: enough to delete a large tenant quickly, few enough not to flood the silos.
    private const int ParallelStreamDeletes = 32;

    public async Task<bool> Delete()
    {
        if (Tenant is null)
        {
            return false;
        }

        state.State.Deleting = true;
        await state.WriteStateAsync();
        await ChangedAsync(TenantParts.Identity | TenantParts.Directory); // every silo forgets it before this returns
        await FinishDeletionAsync();
        return true;
    }

    private async Task FinishDeletionAsync()
    {
        var streamIds = _streams.Keys.ToArray();
        for (var start = 0; start < streamIds.Length; start += ParallelStreamDeletes)
        {
            await Task.WhenAll(streamIds.Skip(start).Take(ParallelStreamDeletes).Select(DeleteStreamOfDeletedTenantAsync));
        }

        foreach (var receiverId in _receivers.Keys.ToArray())
        {
            await directory.DeleteReceiverAsync(_tenantId, receiverId);
            _receivers.Remove(receiverId);
        }

        await subjects.DeleteOptOutsAsync(_tenantId);
        await idempotencyKeys.DeleteTenantAsync(_tenantId);
        await directory.RemoveTenantAsync(_tenantId);
        await state.ClearStateAsync();
        state.State = new TenantState();
        await ChangedAsync(TenantParts.Identity | TenantParts.Directory);
        DeactivateOnIdle();
    }

    // Like ForgetRowAsync without its broadcast per stream: the tenant is gone for every silo already, and the one
    // broadcast at the end drops its directory.
    private async Task DeleteStreamOfDeletedTenantAsync(string streamId)
    {
        using var turn = await TurnAsync(streamId);
        await StreamGrain(streamId).Delete(receiverId: null); // a stream already gone answers not found: nothing to do
        await directory.DeleteStreamAsync(_tenantId, streamId);
        _streams.Remove(streamId);
    }
}
