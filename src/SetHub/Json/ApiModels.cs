namespace SetHub.Json;

/// <summary>The JSON error body of every refused request: <c>{"error": …, "description": …, "request_id": …}</c>.</summary>
/// <param name="Error">The error code.</param>
/// <param name="Description">What went wrong.</param>
internal sealed record ErrorResponse(string Error, string Description)
{
    /// <summary>The request's id (also its <c>X-Request-Id</c> header), to find its log lines.</summary>
    public string? RequestId { get; init; }

    /// <summary>For 429: the Retry-After header to send; not part of the body.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>The answer to a publish (interface contract): <c>{"txn", "streams"}</c>.</summary>
internal sealed record PublishResponse(string Txn, int Streams);

/// <summary>A stream as the operator sees it.</summary>
internal sealed record AdminStreamResponse(
    string StreamId,
    string ReceiverId,
    string Aud,
    string Status,
    string? Reason,
    DeliveryResponse Delivery,
    IReadOnlyList<string> EventsDelivered,
    string? Description,
    string DefaultSubjects,
    int? InactivityTimeout,
    int? MinVerificationInterval,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    QueueResponse? Queue,
    DeliveryStateResponse? DeliveryState = null);

/// <summary>A stream's queue depth.</summary>
internal sealed record QueueResponse(int Queued, int Held, int DeadLettered);

/// <summary>Where a stream's delivery stands: the last success (push accepted, or poll acknowledged), push failures in
/// a row, when the push backoff ends, and the last push error while failures last.</summary>
internal sealed record DeliveryStateResponse(DateTimeOffset? LastSuccessAt, int ConsecutiveFailures, DateTimeOffset? NextRetryAt, string? LastError);

/// <summary>One SET as the event trace shows it.</summary>
internal sealed record TracedSetResponse(
    string Jti,
    string StreamId,
    string Lane,
    string State,
    string EventType,
    string? Txn,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset? AcknowledgedAt,
    int Attempts,
    string? LastError,
    DateTimeOffset? NextAttemptAt,
    string? ReissuedFrom);

/// <summary>The SETs of one publish (<c>txn</c>), one per stream it went to.</summary>
internal sealed record EventTraceResponse(string Txn, IReadOnlyList<TracedSetResponse> Sets);

/// <summary>A dead-lettered SET.</summary>
internal sealed record DeadLetterResponse(string Jti, string EventType, DateTimeOffset CreatedAt, DateTimeOffset QueuedAt, int Attempts, string? LastError);

/// <summary>A page of a stream's subjects: <c>{"subjects": [...], "next_cursor": …}</c>.</summary>
internal sealed record SubjectListResponse(IReadOnlyList<StreamSubjectResponse> Subjects, string? NextCursor);

/// <summary>A subject of a stream: the subject, whether the stream includes it (a NONE stream's added subject) or
/// excludes it (an ALL stream's removed subject), the receiver's <c>verified</c> flag, and when it was recorded.</summary>
internal sealed record StreamSubjectResponse(System.Text.Json.JsonElement Subject, bool Included, bool Verified, DateTimeOffset CreatedAt);

/// <summary>The answer to a re-drive: how many dead letters were queued again, and (for the first 1,000) the
/// <c>jti</c> each was re-issued under, by its old <c>jti</c>.</summary>
internal sealed record RedriveResponse(int Redriven, IReadOnlyDictionary<string, string> Reissued);

/// <summary>A delivery error body in the RFC 8935 §2.3 shape: <c>{"err": …, "description": …}</c>.</summary>
internal sealed record DeliveryErrorResponse(string Err, string Description)
{
    /// <summary>The request's id (an extension member: RFC 8935 §2.3 allows more than <c>err</c> and <c>description</c>).</summary>
    public string? RequestId { get; init; }
}

/// <summary>A tenant, as the admin API shows it.</summary>
internal sealed record TenantResponse(
    string TenantId,
    string? DisplayName,
    string DefaultSubjects,
    IReadOnlyList<string>? EventsSupported,
    int? InactivityTimeout,
    int? MinVerificationInterval,
    bool Disabled,
    string Issuer,
    string JwksUri,
    string SsfConfigurationUrl,
    string? Token);

/// <summary>A receiver, as the admin API shows it; <c>token</c> only when it was just registered.</summary>
internal sealed record ReceiverResponse(
    string ReceiverId,
    string Name,
    string Audience,
    string SigningAlg,
    DateTimeOffset CreatedAt,
    string? Token);

/// <summary>A signing key, as the admin API shows it (public facts only).</summary>
internal sealed record SigningKeyResponse(string Kid, string Alg, DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt);

/// <summary>The answer to a key rotation.</summary>
internal sealed record KeyRotationResponse(IReadOnlyList<SigningKeyResponse> Keys);

/// <summary>A health probe answer.</summary>
internal sealed record HealthResponse(string Status);

/// <summary>The <c>delivery</c> object of a stream configuration (SSF 1.0 §8.1.1).</summary>
internal sealed record DeliveryResponse(string Method, string EndpointUrl, string? AuthorizationHeader)
{
    /// <summary>The delivery settings as shown to anyone: the push secret redacted.</summary>
    public static DeliveryResponse From(Core.Streams.DeliverySettings delivery) => new(
        delivery.Method,
        delivery.EndpointUrl,
        delivery.AuthorizationHeader is { } header ? Core.Streams.AuthorizationHeaderRedaction.Redact(header) : null);
}

/// <summary>A stream configuration (SSF 1.0 §8.1.1).</summary>
internal sealed record StreamConfigurationResponse(
    string StreamId,
    string Iss,
    string Aud,
    IReadOnlyList<string> EventsSupported,
    IReadOnlyList<string>? EventsRequested,
    IReadOnlyList<string> EventsDelivered,
    DeliveryResponse Delivery,
    string? Description,
    int? MinVerificationInterval,
    int? InactivityTimeout);

/// <summary>A stream status (SSF 1.0 §8.1.2).</summary>
internal sealed record StreamStatusResponse(string StreamId, string Status, string? Reason);

/// <summary>One <c>authorization_schemes</c> entry (SSF 1.0 §7.1.1).</summary>
internal sealed record AuthorizationSchemeResponse(string SpecUrn);

/// <summary>Transmitter configuration metadata (SSF 1.0 §7.1). Arrays are never empty (§7.2.3).</summary>
internal sealed record TransmitterMetadataResponse(
    string SpecVersion,
    string Issuer,
    string JwksUri,
    IReadOnlyList<string> DeliveryMethodsSupported,
    string ConfigurationEndpoint,
    string StatusEndpoint,
    string AddSubjectEndpoint,
    string RemoveSubjectEndpoint,
    string VerificationEndpoint,
    IReadOnlyList<AuthorizationSchemeResponse> AuthorizationSchemes,
    string DefaultSubjects);
