using System.Text;
using SetHub.Core.Json;

namespace SetHub.Core.Tests.Json;

public sealed class RequestJsonTests
{
    // Bodies are written as Latin-1 strings: each character is one byte, so "\xff" is the byte 0xFF and "\u00c3\u00a9"
    // the UTF-8 encoding of "é". JSON escapes are written as they are sent: "\\ud800".
    [Theory]
    [InlineData("{\"description\":\"\xff\xfe\"}", "RFC 8259 §8.1 invalid UTF-8 in a string")]
    [InlineData("{\"\xff\":1}", "RFC 8259 §8.1 invalid UTF-8 in a member name")]
    [InlineData("{\"a\":\"\xc3\"}", "RFC 8259 §8.1 truncated UTF-8 sequence")]
    [InlineData("{\"a\":\"\xed\xa0\x80\"}", "RFC 8259 §8.1 UTF-8-encoded surrogate")]
    [InlineData("{\"ack\":[\"\\ud800\"]}", "RFC 8259 §8.2 lone high surrogate escape")]
    [InlineData("{\"a\":\"x\\udc00y\"}", "RFC 8259 §8.2 lone low surrogate escape")]
    [InlineData("{\"\\ud800\":1}", "RFC 8259 §8.2 lone surrogate in a member name")]
    [InlineData("{\"a\":{\"b\":[\"ok\",\"\\ud800\\u0041\"]}}", "RFC 8259 §8.2 high surrogate followed by a non-surrogate, nested")]
    [InlineData("{\"stream_id\":\"a\",\"stream_id\":\"b\"}", "RFC 8259 §4 duplicate member")]
    [InlineData("{\"a\":{\"x\":1,\"x\":1}}", "RFC 8259 §4 duplicate member in a nested object")]
    [InlineData("{\"a\":1,\"\\u0061\":2}", "RFC 8259 §4 duplicate member, once escaped")]
    [InlineData(";{ broken", "not JSON")]
    public void Parse_InvalidBody_Fails(string latin1, string requirement)
    {
        var parsed = RequestJson.Parse(Encoding.Latin1.GetBytes(latin1), maxDepth: 32);

        Assert.False(parsed.IsSuccess, requirement);
        Assert.Equal(SsfConstants.Errors.InvalidRequest, parsed.Error.Code);
    }

    [Theory]
    [InlineData("{\"a\":\"caf\xc3\xa9 \xf0\x9f\x94\x90\"}", "café 🔐")]
    [InlineData("{\"a\":\"\\ud83d\\udd10\"}", "🔐")]
    [InlineData("{\"a\":\"\\u00e9\\n\"}", "é\n")]
    public void Parse_ValidUnicode_ReadsEveryString(string latin1, string expected)
    {
        var parsed = RequestJson.Parse(Encoding.Latin1.GetBytes(latin1), maxDepth: 32);

        Assert.True(parsed.IsSuccess, parsed.Error?.Description);
        using var document = parsed.Value;
        Assert.Equal(expected, document.RootElement.GetProperty("a").GetString());
    }

    [Fact]
    public void Parse_SameNameInSiblingObjects_IsNotADuplicate()
    {
        var parsed = RequestJson.Parse("""{"a":{"x":1},"b":{"x":2},"c":[{"x":3},{"x":4}]}"""u8.ToArray(), maxDepth: 32);

        Assert.True(parsed.IsSuccess);
        parsed.Value.Dispose();
    }

    [Fact]
    public void Parse_TooDeep_Fails()
    {
        var deep = new string('[', 40) + new string(']', 40);

        Assert.False(RequestJson.Parse(Encoding.ASCII.GetBytes(deep), maxDepth: 32).IsSuccess);
    }
}
