using SetHub.Core.Tenants;
using SetHub.Grains.Streams;
using SetHub.Json;
using SetHub.Snapshots;

namespace SetHub.Endpoints;

/// <summary>Renders stream configurations as SSF 1.0 §8.1.1 shows them: <c>iss</c> and <c>events_supported</c> come
/// from the tenant (its snapshot), the push secret is redacted.</summary>
internal sealed class StreamRendering(TenantSnapshots snapshots, ITransmitterUrls urls)
{
    public async Task<StreamConfigurationResponse> RenderAsync(StreamData stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Render(stream, await EventsSupportedAsync(stream.TenantId));
    }

    public async Task<IReadOnlyList<StreamConfigurationResponse>> RenderAsync(string tenantId, IReadOnlyList<StreamData> streams)
    {
        if (streams.Count == 0)
        {
            return [];
        }

        var supported = await EventsSupportedAsync(tenantId);
        return [.. streams.Select(stream => Render(stream, supported))];
    }

    private async Task<IReadOnlyList<string>> EventsSupportedAsync(string tenantId) =>
        (await snapshots.GetAsync(tenantId))?.Tenant.EffectiveEventsSupported
        ?? throw new InvalidOperationException($"Tenant '{tenantId}' vanished while serving a request.");

    private StreamConfigurationResponse Render(StreamData stream, IReadOnlyList<string> eventsSupported) => new(
        StreamId: stream.StreamId,
        Iss: urls.Issuer(stream.TenantId),
        Aud: stream.Audience,
        EventsSupported: eventsSupported,
        EventsRequested: stream.EventsRequested,
        EventsDelivered: stream.EventsDelivered,
        Delivery: new DeliveryResponse(stream.DeliveryMethod, stream.EndpointUrl, stream.AuthorizationHeader),
        Description: stream.Description,
        MinVerificationInterval: StreamManagementEndpoints.Seconds(stream.MinVerificationInterval),
        InactivityTimeout: StreamManagementEndpoints.Seconds(stream.InactivityTimeout));
}
