using System.Text.Json;
using SetHub.Core.Results;
using SetHub.Core.Security;
using SetHub.Core.Storage;
using SetHub.Core.Streams;
using SetHub.Grains.Streams;
using SetHub.Grains.Tenants;

namespace SetHub.Management;

/// <summary>
/// The SSF 1.0 §8 Stream Management API for one receiver (the caller is already authenticated). Bodies are validated
/// here before any grain is asked; configuration changes go through the tenant, so its directory follows them; the
/// rest goes straight to the stream, which answers only its own receiver (R108).
/// </summary>
internal sealed class StreamManagement(IGrainFactory grains, StreamGrainReferences streamGrains, StreamAdministration administration, IPushEndpointPolicy endpointPolicy)
{
    /// <summary>Creates a stream (SSF 1.0 §8.1.1.1).</summary>
    public async Task<Result<StreamData>> CreateAsync(Caller caller, JsonElement body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (await CheckAsync(body, StreamOperation.Create, cancellationToken) is { IsSuccess: false } invalid)
        {
            return invalid.Error;
        }

        return (await Tenant(caller).CreateStream(caller.ReceiverId!, body.GetRawText())).ToResult();
    }

    /// <summary>Reads one of the caller's streams (SSF 1.0 §8.1.1.2).</summary>
    public async Task<Result<StreamData>> GetAsync(Caller caller, string streamId) =>
        (await Stream(caller, streamId).Get(caller.ReceiverId)).ToResult();

    /// <summary>The caller's streams, oldest first (SSF 1.0 §8.1.1.2).</summary>
    public Task<IReadOnlyList<StreamData>> ListAsync(Caller caller) => administration.ListAsync(caller.TenantId!, caller.ReceiverId);

    /// <summary>Updates (PATCH) or replaces (PUT) a stream (SSF 1.0 §8.1.1.3–4).</summary>
    public async Task<Result<StreamData>> UpdateAsync(Caller caller, JsonElement body, StreamOperation operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var request = await CheckAsync(body, operation, cancellationToken);
        if (!request.IsSuccess)
        {
            return request.Error;
        }

        return (await Tenant(caller).ConfigureStream(caller.ReceiverId!, request.Value.StreamId!, body.GetRawText(), operation)).ToResult();
    }

    /// <summary>Deletes a stream (SSF 1.0 §8.1.1.5).</summary>
    public async Task<OperationError?> DeleteAsync(Caller caller, string streamId) =>
        (await Tenant(caller).DeleteStream(caller.ReceiverId, streamId))?.ToError();

    /// <summary>Reads a stream's status (SSF 1.0 §8.1.2.1).</summary>
    public Task<Result<StreamData>> GetStatusAsync(Caller caller, string streamId) => GetAsync(caller, streamId);

    /// <summary>Sets a stream's status as its receiver (SSF 1.0 §8.1.2.2).</summary>
    public async Task<Result<StreamData>> UpdateStatusAsync(Caller caller, JsonElement body, string? queryStreamId)
    {
        var request = ManagementRequests.ParseStatus(body, queryStreamId);
        if (!request.IsSuccess)
        {
            return request.Error;
        }

        return (await Tenant(caller).SetStreamStatus(caller.ReceiverId, request.Value.StreamId, request.Value.Status, request.Value.Reason)).ToResult();
    }

    /// <summary>Adds (SSF 1.0 §8.1.3.2) or removes (§8.1.3.3) a subject.</summary>
    public async Task<OperationError?> ChangeSubjectAsync(Caller caller, JsonElement body, bool add)
    {
        var request = ManagementRequests.ParseSubject(body);
        if (!request.IsSuccess)
        {
            return request.Error;
        }

        var (streamId, subject, verified) = request.Value;
        return (await Stream(caller, streamId).ChangeSubject(caller.ReceiverId!, subject.CanonicalJson, add, verified))?.ToError();
    }

    /// <summary>Queues a verification SET (SSF 1.0 §8.1.4.2).</summary>
    public async Task<OperationError?> RequestVerificationAsync(Caller caller, JsonElement body)
    {
        var request = ManagementRequests.ParseVerification(body);
        if (!request.IsSuccess)
        {
            return request.Error;
        }

        return (await Stream(caller, request.Value.StreamId).RequestVerification(caller.ReceiverId!, request.Value.State))?.ToError();
    }

    // The body is valid, and a push endpoint in it passes the endpoint policy (a DNS lookup: never inside a grain turn).
    private async Task<Result<StreamRequest>> CheckAsync(JsonElement body, StreamOperation operation, CancellationToken cancellationToken)
    {
        var request = StreamRequest.Parse(body, operation);
        if (request.IsSuccess &&
            request.Value.Delivery is { IsPresent: true, Value: { Method: Core.SsfConstants.DeliveryMethods.Push, EndpointUrl: { } endpoint } } &&
            await endpointPolicy.CheckAsync(endpoint, cancellationToken) is { } refused)
        {
            return refused;
        }

        return request;
    }

    private ITenantGrain Tenant(Caller caller) => grains.GetGrain<ITenantGrain>(caller.TenantId!);

    private IStreamGrain Stream(Caller caller, string streamId) => streamGrains.For(new StreamKey(caller.TenantId!, streamId));
}
