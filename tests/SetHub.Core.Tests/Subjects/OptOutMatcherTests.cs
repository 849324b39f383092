using SetHub.Core.Subjects;

namespace SetHub.Core.Tests.Subjects;

public sealed class OptOutMatcherTests
{
    private const string Alice = """{"format":"email","email":"alice@example.com"}""";
    private const string Bob = """{"format":"email","email":"bob@example.com"}""";
    private const string Dave = """{"format":"email","email":"dave@example.com"}""";
    private const string Acme = """{"format":"opaque","id":"acme"}""";
    private const string Globex = """{"format":"opaque","id":"globex"}""";
    private const string Session = """{"format":"opaque","id":"session-1"}""";
    private const string AlicePhone = """{"format":"phone_number","phone_number":"+12065550100"}""";

    private static readonly string AliceInAcme = Complex(("user", Alice), ("tenant", Acme));

    // (opted-out subject, event subject, expected: the event names the opted-out principal, requirement)
    public static TheoryData<string, string, bool, string> NamesCases => new()
    {
        // A simple opted-out subject: the same identifier, in canonical form.
        { Alice, Alice, true, "RISC 1.0 §2.8 the opted-out subject itself" },
        { Alice, """{"format":"email","email":"ALICE@example.com"}""", true, "R14 e-mail compared after canonicalization" },
        { Alice, Bob, false, "RISC 1.0 §2.8 another subject" },
        { Alice, """{"format":"opaque","id":"alice@example.com"}""", false, "R12 same value, different format" },

        // ... or an aliases subject holding it, or a complex subject with it as a member.
        { Alice, Aliases(Bob, Alice), true, "R20 event aliases include the opted-out identifier" },
        { Alice, Aliases(Bob, AlicePhone), false, "R20 no alias is the opted-out identifier" },
        { Alice, Complex(("user", Alice), ("session", Session)), true, "SSF 1.0 §3.3 a member is the opted-out subject" },
        { Alice, Complex(("user", Aliases(Alice, AlicePhone)), ("tenant", Acme)), true, "SSF 1.0 §3.3, R20 a member's aliases include it" },
        { Alice, Complex(("tenant", Acme)), false, "SSF 1.0 §3.3 no member is the opted-out subject" },

        // An aliases opted-out subject: any of its identifiers.
        { Aliases(Alice, AlicePhone), AlicePhone, true, "R20 one of the opted-out aliases" },
        { Aliases(Alice, AlicePhone), Complex(("user", AlicePhone)), true, "R20, SSF 1.0 §3.3 a member is one of the aliases" },
        { Aliases(Alice, AlicePhone), Bob, false, "R20 none of the opted-out aliases" },

        // A complex opted-out subject: every member in the event, with an equal value (the review's cases).
        { AliceInAcme, Complex(("tenant", Acme)), false, "SSF 1.0 §9.1 a tenant-level event is not about alice: not suppressed" },
        { AliceInAcme, Acme, false, "SSF 1.0 §9.1 opaque acme is not about alice: not suppressed" },
        { AliceInAcme, Complex(("user", Alice), ("tenant", Acme), ("session", Session)), true, "SSF 1.0 §3.3 alice's session in acme is alice-in-acme: suppressed" },
        { AliceInAcme, Complex(("tenant", Acme), ("user", """{"format":"email","email":"Alice@Example.com"}""")), true, "R14, SSF 1.0 §3.3 same members, canonical values" },
        { AliceInAcme, Complex(("user", Aliases(AlicePhone, Alice)), ("tenant", Acme)), true, "R20 a member given as aliases" },
        { AliceInAcme, Complex(("user", Alice), ("tenant", Globex)), false, "SSF 1.0 §3.3 alice in another tenant" },
        { AliceInAcme, Complex(("user", Alice)), false, "SSF 1.0 §3.3 a member of the opted-out subject is missing" },
        { AliceInAcme, Alice, false, "SSF 1.0 §3.3 a simple event never names a complex opted-out subject" },
        { AliceInAcme, Aliases(Alice, Acme), false, "R20 a simple aliases event never names a complex opted-out subject" },
        { Complex(("user", Acme)), Complex(("tenant", Acme)), false, "SSF 1.0 §3.3 same value under another member name" },
    };

    // (opted-out subject, opt-in subject, expected: the opt-in lifts the opt-out, requirement)
    public static TheoryData<string, string, bool, string> LiftsCases => new()
    {
        { Alice, Alice, true, "RISC 1.0 §2.8.1 opt-in with the opted-out subject" },
        { Alice, """{"format":"email","email":"ALICE@EXAMPLE.COM"}""", true, "R14 opt-in with another spelling of the address" },
        { AliceInAcme, Alice, true, "RISC 1.0 §2.8.1, SSF 1.0 §3.3 complex opt-out, plain e-mail opt-in (the review's case)" },
        { Dave, Aliases(Dave, """{"format":"opaque","id":"dave-1"}"""), true, "RISC 1.0 §2.8.1, R20 e-mail opt-out, aliases opt-in (the review's case)" },
        { Aliases(Dave, """{"format":"opaque","id":"dave-1"}"""), """{"format":"opaque","id":"dave-1"}""", true, "R20 aliases opt-out, opt-in with one alias" },
        { Alice, AliceInAcme, true, "SSF 1.0 §3.3 e-mail opt-out, opt-in of alice-in-acme" },
        { AliceInAcme, Complex(("tenant", Acme), ("user", Alice)), true, "SSF 1.0 §3.3 the same complex subject" },
        { AliceInAcme, Complex(("tenant", Acme)), true, "SSF 1.0 §3.3 the opt-out names the opt-in subject (documented consequence of symmetry)" },
        { AliceInAcme, Complex(("user", Alice), ("tenant", Globex)), false, "SSF 1.0 §3.3 opt-in of alice in another tenant" },
        { AliceInAcme, Bob, false, "RISC 1.0 §2.8.1 another subject" },
        { Alice, Bob, false, "RISC 1.0 §2.8.1 another subject" },
        { AliceInAcme, Globex, false, "RISC 1.0 §2.8.1 an unrelated tenant" },
    };

    [Theory]
    [MemberData(nameof(NamesCases))]
    public void Names_FollowsTheOptOutRule(string optedOut, string eventSubject, bool expected, string requirement)
    {
        Assert.True(expected == OptOutMatcher.Names(Parse(eventSubject), Parse(optedOut)), requirement);
    }

    [Theory]
    [MemberData(nameof(LiftsCases))]
    public void Lifts_WhenEitherSubjectNamesTheOther(string optedOut, string optIn, bool expected, string requirement)
    {
        Assert.True(expected == OptOutMatcher.Lifts(Parse(optIn), Parse(optedOut)), requirement);
        Assert.True(expected == OptOutMatcher.Lifts(Parse(optedOut), Parse(optIn)), $"symmetric: {requirement}");
    }

    [Theory]
    [MemberData(nameof(NamesCases))]
    [MemberData(nameof(LiftsCases))]
    public void NamesAndLifts_ImplyASharedIndexKey(string optedOut, string other, bool expected, string requirement)
    {
        // The opt-out index finds candidates by shared keys; an opt-out it cannot find would never suppress or lift.
        var shared = SubjectKeys.IndexKeys(Parse(optedOut)).Intersect(SubjectKeys.IndexKeys(Parse(other))).Any();

        Assert.True(!expected || shared, requirement);
    }

    [Fact]
    public void Names_IsNarrowerThanStreamMatching()
    {
        // SSF 1.0 §8.1.3.1 treats a missing member as a wildcard; an opt-out must not (SSF 1.0 §9.1).
        var optedOut = Parse(AliceInAcme);
        var tenantEvent = Parse(Complex(("tenant", Acme)));

        Assert.True(SubjectMatcher.Matches(optedOut, tenantEvent));
        Assert.False(OptOutMatcher.Names(tenantEvent, optedOut));
    }

    private static SubjectIdentifier Parse(string json) => SubjectParser.Parse(json).Value;

    private static string Complex(params (string Name, string Json)[] members) =>
        "{\"format\":\"complex\"," + string.Join(',', members.Select(m => $"\"{m.Name}\":{m.Json}")) + "}";

    private static string Aliases(params string[] identifiers) =>
        "{\"format\":\"aliases\",\"identifiers\":[" + string.Join(',', identifiers) + "]}";
}
