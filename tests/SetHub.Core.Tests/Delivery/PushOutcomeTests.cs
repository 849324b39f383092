using SetHub.Core.Delivery;

namespace SetHub.Core.Tests.Delivery;

public sealed class PushOutcomeTests
{
    public static TheoryData<int?, string?, PushOutcomeKind, string> Cases => new()
    {
        { 202, null, PushOutcomeKind.Delivered, "R27 202 Accepted" },
        { 200, null, PushOutcomeKind.Delivered, "other 2xx are accepted too" },
        { 204, null, PushOutcomeKind.Delivered, "other 2xx are accepted too" },
        { 400, "invalid_request", PushOutcomeKind.Rejected, "R29 invalid_request cannot succeed on retry" },
        { 400, "invalid_issuer", PushOutcomeKind.Rejected, "R37 configuration mismatch" },
        { 400, "invalid_audience", PushOutcomeKind.Rejected, "R37 configuration mismatch" },
        { 400, "invalid_state", PushOutcomeKind.Rejected, "R123 verification state mismatch" },
        { 400, null, PushOutcomeKind.Rejected, "a 400 without an error code" },
        { 400, "invalid_key", PushOutcomeKind.Retryable, "a receiver may refresh its JWKS" },
        { 400, "authentication_failed", PushOutcomeKind.Retryable, "credentials can be fixed" },
        { 400, "access_denied", PushOutcomeKind.Retryable, "R29 access_denied may be transient" },
        { 401, null, PushOutcomeKind.Retryable, "credentials can be fixed" },
        { 403, null, PushOutcomeKind.Retryable, "policy can change" },
        { 404, null, PushOutcomeKind.Retryable, "a misconfigured endpoint can be fixed" },
        { 408, null, PushOutcomeKind.Retryable, "request timeout" },
        { 429, null, PushOutcomeKind.Retryable, "slow down" },
        { 500, null, PushOutcomeKind.Retryable, "server error" },
        { 503, null, PushOutcomeKind.Retryable, "unavailable" },
        { 302, null, PushOutcomeKind.Retryable, "redirects are not followed" },
        { null, null, PushOutcomeKind.Retryable, "network error or timeout" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classify_FollowsRfc8935(int? status, string? error, PushOutcomeKind expected, string reason)
    {
        var response = status is null ? PushResponse.TransportFailure("connection refused") : new PushResponse(status, error);

        var outcome = PushOutcome.Classify(response);

        Assert.True(expected == outcome.Kind, reason);
        Assert.Equal(expected == PushOutcomeKind.Delivered, outcome.Error is null);
    }

    [Fact]
    public void Classify_KeepsRetryAfter()
    {
        var outcome = PushOutcome.Classify(new PushResponse(429, RetryAfter: TimeSpan.FromSeconds(7)));

        Assert.Equal(TimeSpan.FromSeconds(7), outcome.RetryAfter);
    }

    [Fact]
    public void Classify_DescribesTheError()
    {
        Assert.Equal("HTTP 400 invalid_request: bad SET", PushOutcome.Classify(new PushResponse(400, "invalid_request", "bad SET")).Error);
        Assert.Equal("no answer: connection refused", PushOutcome.Classify(PushResponse.TransportFailure("connection refused")).Error);
    }
}
