using SetHub.Core.Subjects;

namespace SetHub.Core.Tests.Subjects;

public sealed class SubjectMatcherTests
{
    private const string Alice = """{"format":"email","email":"alice@example.com"}""";
    private const string Bob = """{"format":"email","email":"bob@example.com"}""";
    private const string Tenant = """{"format":"opaque","id":"example-a38h4792-uw2"}""";
    private const string Device = """{"format":"opaque","id":"device-1"}""";

    // (stream subject, event subject, expected match, requirement)
    public static TheoryData<string, string, bool, string> Cases => new()
    {
        // Simple subjects: identical only (SSF 1.0 §8.1.3.1).
        { Alice, Alice, true, "R112 identical simple subjects match" },
        { Alice, """{"format":"email","email":"ALICE@example.com"}""", true, "R14 e-mail compared after canonicalization" },
        { Alice, Bob, false, "R112 different simple subjects do not match" },
        { Alice, """{"format":"opaque","id":"alice@example.com"}""", false, "R112 same value, different format" },

        // SSF 1.0 §8.1.3.1 fixtures.
        { Complex(("tenant", Tenant)), Complex(("tenant", Tenant), ("user", """{"format":"email","email":"jdoe@example.com"}""")), true, "R112 added {tenant}, event {tenant,user}" },
        { Complex(("user", Alice), ("device", Device)), Complex(("user", Alice)), true, "R112 added {user,device}, event {user}" },
        {
            Complex(("user", Alice), ("group", """{"format":"did","url":"did:example:123456"}""")),
            Complex(("user", Alice), ("group", """{"format":"did","url":"did:example:9999999"}""")),
            false,
            "R112 a field present on both sides with different values"
        },

        // SetHub's reading where the spec is silent.
        { Complex(("tenant", Tenant)), Complex(("user", Alice)), false, "no shared member: wildcards alone never match" },
        { Alice, Complex(("user", Alice), ("session", """{"format":"opaque","id":"s1"}""")), true, "simple stream subject matches a complex event that contains it" },
        { Complex(("user", Alice), ("tenant", Tenant)), Alice, true, "complex stream subject matches a simple event equal to a member" },
        { Complex(("user", Bob)), Alice, false, "complex stream subject, unrelated simple event" },

        // RFC 9493 §3.2.8: aliases name one subject.
        { Aliases(Alice, """{"format":"phone_number","phone_number":"+12065550100"}"""), """{"format":"phone_number","phone_number":"+12065550100"}""", true, "R20 an alias matches" },
        { Alice, Aliases(Bob, Alice), true, "R20 event aliases include the stream subject" },
        { Aliases(Bob), Alice, false, "R20 no alias matches" },
        { Complex(("user", Aliases(Alice, Bob))), Complex(("user", Bob)), true, "R20 aliases inside a complex member" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_FollowsSsfSubjectMatching(string streamSubject, string eventSubject, bool expected, string requirement)
    {
        var stream = SubjectParser.Parse(streamSubject).Value;
        var evt = SubjectParser.Parse(eventSubject).Value;

        Assert.True(expected == SubjectMatcher.Matches(stream, evt), requirement);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_ImpliesASharedIndexKey(string streamSubject, string eventSubject, bool expected, string requirement)
    {
        _ = requirement;
        var stream = SubjectParser.Parse(streamSubject).Value;
        var evt = SubjectParser.Parse(eventSubject).Value;

        // The subject index finds candidates by shared keys; a match it cannot find would be lost.
        var shared = SubjectKeys.IndexKeys(stream).Intersect(SubjectKeys.IndexKeys(evt)).Any();
        if (expected)
        {
            Assert.True(shared);
        }
    }

    [Fact]
    public void Key_IsStableAndIndependentOfMemberOrder()
    {
        var a = SubjectParser.Parse("""{"format":"iss_sub","iss":"https://i","sub":"1"}""").Value;
        var b = SubjectParser.Parse("""{"sub":"1","iss":"https://i","format":"iss_sub"}""").Value;

        Assert.Equal(SubjectKeys.Key(a), SubjectKeys.Key(b));
        Assert.Equal(43, SubjectKeys.Key(a).Length);
    }

    private static string Complex(params (string Name, string Json)[] members) =>
        "{\"format\":\"complex\"," + string.Join(',', members.Select(m => $"\"{m.Name}\":{m.Json}")) + "}";

    private static string Aliases(params string[] identifiers) =>
        "{\"format\":\"aliases\",\"identifiers\":[" + string.Join(',', identifiers) + "]}";
}
