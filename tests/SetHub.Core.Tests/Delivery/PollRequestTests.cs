using System.Text.Json;
using SetHub.Core.Delivery;

namespace SetHub.Core.Tests.Delivery;

public sealed class PollRequestTests
{
    [Fact]
    public void Parse_EmptyObject_UsesDefaults()
    {
        // R47: {} is a valid poll: no limit, long poll, nothing to acknowledge.
        var request = PollRequest.Parse(Json("{}")).Value;

        Assert.Null(request.MaxEvents);
        Assert.False(request.ReturnImmediately);
        Assert.Empty(request.Acks);
        Assert.Empty(request.Errors);
    }

    [Fact]
    public void Parse_FullRequest_ReadsEveryMember()
    {
        // R46, R56: ack and poll in one request, with errors.
        var request = PollRequest.Parse(Json("""
            {"maxEvents":10,"returnImmediately":true,"ack":["a","b"],
             "setErrs":{"c":{"err":"invalid_key","description":"unknown kid"},"d":{"err":"invalid_state"}}}
            """)).Value;

        Assert.Equal(10, request.MaxEvents);
        Assert.True(request.ReturnImmediately);
        Assert.Equal(["a", "b"], request.Acks);
        Assert.Equal("invalid_key", request.Errors["c"].Error);
        Assert.Equal("unknown kid", request.Errors["c"].Description);
        Assert.Null(request.Errors["d"].Description);
    }

    [Fact]
    public void Parse_UnknownMembers_AreIgnored()
    {
        Assert.True(PollRequest.Parse(Json("""{"returnImmediately":true,"x-extension":{"a":1}}""")).IsSuccess);
    }

    [Theory]
    [InlineData("10", 10)]
    [InlineData("10.0", 10)]
    [InlineData("1e3", 1000)]
    [InlineData("-0", 0)]
    [InlineData("2147483647", int.MaxValue)]
    [InlineData("2147483648", int.MaxValue)]
    [InlineData("99999999999999999999999999999999999999", int.MaxValue)]
    [InlineData("1e400", int.MaxValue)]
    public void MaxEvents_AnyNonNegativeIntegerNumber_IsACount_CappedAtIntMax(string number, int expected)
    {
        // RFC 8936 §2.2 asks for a non-negative integer; how large, or how it is written, is the client's business: the
        // poll answer caps it (SetHub:Poll:MaxEventsPerResponse).
        Assert.Equal(expected, PollRequest.Parse(Json($$"""{"maxEvents":{{number}}}""")).Value!.MaxEvents);
    }

    public static TheoryData<string, string> InvalidRequests => new()
    {
        { "[]", "R58 not an object" },
        { """{"maxEvents":-1}""", "R58 negative maxEvents" },
        { """{"maxEvents":1.5}""", "R58 fractional maxEvents" },
        { """{"maxEvents":-1e400}""", "R58 a negative maxEvents beyond any number type" },
        { """{"maxEvents":1e-3}""", "R58 a fraction written with an exponent" },
        { """{"maxEvents":"10"}""", "R58 maxEvents as a string" },
        { """{"returnImmediately":"true"}""", "R58 returnImmediately as a string" },
        { """{"ack":"jti"}""", "R58 ack not an array" },
        { """{"ack":[1]}""", "R58 ack entries not strings" },
        { """{"ack":[""]}""", "R58 empty jti" },
        { """{"setErrs":[]}""", "R58 setErrs not an object" },
        { """{"setErrs":{"a":"invalid_key"}}""", "R58 setErrs entry not an object" },
        { """{"setErrs":{"a":{"description":"x"}}}""", "R58 setErrs entry without err" },
        { """{"setErrs":{"a":{"err":"invalid_key","description":5}}}""", "R58 description not a string" },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public void Parse_InvalidRequest_IsRefused(string body, string requirement)
    {
        Assert.False(PollRequest.Parse(Json(body)).IsSuccess, requirement);
    }

    private static JsonElement Json(string body) => JsonDocument.Parse(body).RootElement.Clone();
}
