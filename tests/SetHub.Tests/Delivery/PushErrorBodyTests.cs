using System.Text;
using SetHub.Delivery;

namespace SetHub.Tests.Delivery;

/// <summary>How a push receiver's 400 body (RFC 8935 §2.3) is read.</summary>
public sealed class PushErrorBodyTests
{
    [Theory]
    [InlineData("""{"err":"invalid_key","description":"unknown kid"}""", true, "invalid_key", "unknown kid")]
    [InlineData("""{"description":"first","err":"access_denied","extra":{"nested":[1,2]}}""", true, "access_denied", "first")]
    [InlineData("""[]""", true, null, null)]
    [InlineData("""null""", true, null, null)]
    [InlineData("""not json""", true, null, null)]
    [InlineData("""{"err":42}""", true, null, null)]
    [InlineData("", true, null, null)]
    public void ReadErrorMembers_ReadsErrAndDescription(string body, bool complete, string? error, string? description)
    {
        Assert.Equal((error, description), HttpPushTransport.ReadErrorMembers(Encoding.UTF8.GetBytes(body), complete));
    }

    [Fact]
    public void ReadErrorMembers_FindsTheCodeBeforeALongDescriptionIsCutOff()
    {
        // Only the first 16 KiB are read; the error code must survive a description longer than that.
        var body = Encoding.UTF8.GetBytes($$"""{"err":"authentication_failed","description":"{{new string('x', 20_000)}}"}""");

        var (error, _) = HttpPushTransport.ReadErrorMembers(body.AsSpan(0, 16 * 1024), isComplete: false);

        Assert.Equal("authentication_failed", error);
    }
}
