using System.Text.Json;
using SetHub.Core.Results;
using SetHub.Core.Storage;
using SetHub.Core.Streams;
using SetHub.Grains.Streams;
using SetHub.Grains.Tenants;

namespace SetHub.Management;

/// <summary>The operator's view of a tenant's streams: inspection, status changes by the transmitter, dead letters.</summary>
internal sealed class StreamAdministration(IGrainFactory grains, StreamGrainReferences streamGrains, ISubjectStore subjects)
{
    /// <summary>The most dead letters one listing returns, and the most <c>jtis</c> one re-drive names.</summary>
    public const int MaxDeadLetters = 1000;

    /// <summary>Every stream of a tenant, or of one of its receivers, oldest first.</summary>
    public async Task<IReadOnlyList<StreamData>> ListAsync(string tenantId, string? receiverId = null)
    {
        var ids = await grains.GetGrain<ITenantGrain>(tenantId).ListStreams(receiverId);
        var streams = await Task.WhenAll(ids.Select(id => Stream(tenantId, id).Get(receiverId)));
        return [.. streams.Where(stream => stream.IsSuccess).Select(stream => stream.Value!)];
    }

    /// <summary>One stream with its queue's depth.</summary>
    public async Task<Result<StreamOverview>> GetAsync(string tenantId, string streamId) =>
        (await Stream(tenantId, streamId).GetOverview()).ToResult();

    /// <summary>Deletes a stream as the operator: its SETs and subjects go with it, and its receiver's later calls on it
    /// answer 404 (as after the receiver's own delete, SSF 1.0 §8.1.1.5).</summary>
    public async Task<OperationError?> DeleteAsync(string tenantId, string streamId) =>
        (await grains.GetGrain<ITenantGrain>(tenantId).DeleteStream(receiverId: null, streamId))?.ToError();

    /// <summary>Changes a stream's status as the transmitter, announced with a stream-updated SET (SSF 1.0 §8.1.5):
    /// <c>{"status", "reason"?}</c>.</summary>
    public async Task<Result<StreamData>> ChangeStatusAsync(string tenantId, string streamId, JsonElement body)
    {
        var request = ManagementRequests.ParseAdminStatus(body);
        if (!request.IsSuccess)
        {
            return request.Error;
        }

        return (await grains.GetGrain<ITenantGrain>(tenantId).SetStreamStatus(receiverId: null, streamId, request.Value.Status, request.Value.Reason)).ToResult();
    }

    /// <summary>A stream's subjects as the transmitter holds them, oldest first, a page at a time. Read from the rows
    /// the subject grains keep (a listing changes nothing, so it needs no grain turn).</summary>
    public async Task<Result<SubjectPage>> ListSubjectsAsync(string tenantId, string streamId, int? limit, string? cursor)
    {
        if ((await Stream(tenantId, streamId).Get(receiverId: null)).Error is { } missing)
        {
            return missing.ToError();
        }

        return SubjectPage.Of(await subjects.ListStreamSubjectsAsync(tenantId, streamId), limit, cursor);
    }

    /// <summary>A stream's dead letters, oldest first.</summary>
    public async Task<Result<DeadLetterData[]>> ListDeadLettersAsync(string tenantId, string streamId, int? limit)
    {
        if (limit is < 1 or > MaxDeadLetters)
        {
            return OperationError.Invalid($"'limit' must be between 1 and {MaxDeadLetters}.");
        }

        return (await Stream(tenantId, streamId).ListDeadLetters(limit ?? 100)).ToResult();
    }

    /// <summary>Queues dead letters again, re-issued: <c>{}</c> for all, or <c>{"jtis": [...]}</c>.</summary>
    public async Task<Result<RedriveData>> RedriveAsync(string tenantId, string streamId, JsonElement body)
    {
        var jtis = ManagementRequests.ParseRedrive(body, MaxDeadLetters);
        if (!jtis.IsSuccess)
        {
            return jtis.Error;
        }

        return (await Stream(tenantId, streamId).Redrive(jtis.Value?.ToArray())).ToResult();
    }

    private IStreamGrain Stream(string tenantId, string streamId) => streamGrains.For(new StreamKey(tenantId, streamId));
}
