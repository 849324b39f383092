using SetHub.Core.Events;

namespace SetHub.Core.Tests.Events;

public sealed class IdempotencyKeysTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, 123, TimeSpan.Zero);

    [Theory]
    [InlineData("a")]
    [InlineData("8e03978e-40d5-43e8-bc93-6894a57f9324")]
    [InlineData("!~\"#")]
    public void Validate_AcceptsVisibleAscii(string key) => Assert.Null(IdempotencyKeys.Validate(key));

    [Theory]
    [InlineData("")]
    [InlineData("with space")]
    [InlineData("tab\there")]
    [InlineData("é")]
    [InlineData("nul\0")]
    public void Validate_RefusesOthers(string key) => Assert.NotNull(IdempotencyKeys.Validate(key));

    [Fact]
    public void Validate_CapsTheLength()
    {
        Assert.Null(IdempotencyKeys.Validate(new string('k', IdempotencyKeys.MaxLength)));
        Assert.NotNull(IdempotencyKeys.Validate(new string('k', IdempotencyKeys.MaxLength + 1)));
    }

    [Theory]
    [InlineData("\"abc\"", "abc")]
    [InlineData("abc", "abc")]
    [InlineData("\"", "\"")]
    public void Unquote_TakesStructuredFieldStringsAndBareTokens(string value, string key) => Assert.Equal(key, IdempotencyKeys.Unquote(value));

    [Fact]
    public void Offer_KeepsTheTimeToTheMillisecond_AsStoresDo()
    {
        var offered = IdempotencyKeys.Offer("{}", "txn", Now.AddTicks(4321));

        Assert.Equal(Now, offered.CreatedAt);
        Assert.Null(offered.Streams);
        Assert.Equal(IdempotencyKeys.HashBody("{}"), offered.RequestHash);
        Assert.NotEqual(IdempotencyKeys.HashBody("{ }"), offered.RequestHash);
    }

    [Fact]
    public void Decide_OwnRecord_Publishes()
    {
        var offered = IdempotencyKeys.Offer("{}", "txn", Now);

        Assert.Equal(IdempotencyDecision.Publish, IdempotencyKeys.Decide(offered, offered, Now));
    }

    [Fact]
    public void Decide_CompletedRecord_Replays_AndAnotherBody_IsAMismatch()
    {
        var stored = IdempotencyKeys.Offer("{}", "txn-1", Now) with { Streams = 2 };

        Assert.Equal(IdempotencyDecision.Replay, IdempotencyKeys.Decide(stored, IdempotencyKeys.Offer("{}", "txn-2", Now.AddHours(1)), Now.AddHours(1)));
        Assert.Equal(IdempotencyDecision.Mismatch, IdempotencyKeys.Decide(stored, IdempotencyKeys.Offer("{\"x\":1}", "txn-2", Now), Now));
    }

    [Fact]
    public void Decide_AnotherRequestsIncompleteRecord_WaitsForIt_ThenTakesOver()
    {
        var stored = IdempotencyKeys.Offer("{}", "txn-1", Now);
        var retry = IdempotencyKeys.Offer("{}", "txn-2", Now.AddSeconds(1));

        Assert.Equal(IdempotencyDecision.InProgress, IdempotencyKeys.Decide(stored, retry, Now.AddSeconds(1)));
        Assert.Equal(IdempotencyDecision.Publish, IdempotencyKeys.Decide(stored, retry, Now + IdempotencyKeys.InProgressWindow));
    }
}
