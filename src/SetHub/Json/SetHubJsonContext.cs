using System.Text.Json.Serialization;

namespace SetHub.Json;

/// <summary>Source-generated JSON for every response model: snake_case names, nulls left out.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(DeliveryErrorResponse))]
[JsonSerializable(typeof(TenantResponse))]
[JsonSerializable(typeof(IReadOnlyList<TenantResponse>))]
[JsonSerializable(typeof(ReceiverResponse))]
[JsonSerializable(typeof(IReadOnlyList<ReceiverResponse>))]
[JsonSerializable(typeof(IReadOnlyList<SigningKeyResponse>))]
[JsonSerializable(typeof(KeyRotationResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(StreamConfigurationResponse))]
[JsonSerializable(typeof(IReadOnlyList<StreamConfigurationResponse>))]
[JsonSerializable(typeof(StreamStatusResponse))]
[JsonSerializable(typeof(TransmitterMetadataResponse))]
[JsonSerializable(typeof(PublishResponse))]
[JsonSerializable(typeof(AdminStreamResponse))]
[JsonSerializable(typeof(IReadOnlyList<AdminStreamResponse>))]
[JsonSerializable(typeof(IReadOnlyList<DeadLetterResponse>))]
[JsonSerializable(typeof(RedriveResponse))]
[JsonSerializable(typeof(TracedSetResponse))]
[JsonSerializable(typeof(EventTraceResponse))]
[JsonSerializable(typeof(SubjectListResponse))]
internal sealed partial class SetHubJsonContext : JsonSerializerContext;
