using SetHub.Core.Subjects;

namespace SetHub.Core.Tests.Subjects;

public sealed class SubjectParserTests
{
    // Valid identifiers of every format SetHub knows, with the requirement each one exercises.
    public static TheoryData<string, string> ValidSubjects => new()
    {
        { """{"format":"account","uri":"acct:example.user@service.example.com"}""", "R13 account" },
        { """{"format":"email","email":"user@example.com"}""", "R14 email" },
        { """{"format":"email","email":"first.last+tag@sub.example.co.uk"}""", "R14 email with plus and subdomain" },
        { """{"format":"email","email":"\"quoted local\"@example.com"}""", "R14 quoted local part" },
        { """{"format":"iss_sub","iss":"https://issuer.example.com/","sub":"145234573"}""", "R15 iss_sub" },
        { """{"format":"opaque","id":"11112222333344445555"}""", "R16 opaque" },
        { """{"format":"phone_number","phone_number":"+12065550100"}""", "R17 phone_number" },
        { """{"format":"did","url":"did:example:123456"}""", "R18 bare DID" },
        { """{"format":"did","url":"did:example:123456/did/url/path?versionId=1"}""", "R18 DID URL" },
        { """{"format":"uri","uri":"https://user.example.com/"}""", "R19 uri" },
        { """{"format":"uri","uri":"urn:uuid:4e851e98-83c4-4743-a5da-150ecb53042f"}""", "R19 urn" },
        { """{"format":"aliases","identifiers":[{"format":"email","email":"user@example.com"},{"format":"phone_number","phone_number":"+12065550100"}]}""", "R20 aliases" },
        { """{"format":"jwt_id","iss":"https://idp.example.com/123456789/","jti":"B70BA622-9515-4353-A866-823539EECBC8"}""", "R67 jwt_id" },
        { """{"format":"saml_assertion_id","issuer":"https://idp.example.com/","assertion_id":"_8e8dc5f69a98cc4c1ff3427e5ce34606fd672f91e6"}""", "R67 saml_assertion_id" },
        { """{"format":"ip-addresses","ip-addresses":["10.29.37.75","2001:0db8:0000:0000:0000:8a2e:0370:7334"]}""", "R67 ip-addresses" },
        { """{"format":"complex","user":{"format":"email","email":"bar@example.com"},"tenant":{"format":"iss_sub","iss":"https://example.com/idp1","sub":"1234"}}""", "R66 complex" },
        { """{"format":"complex","user":{"format":"aliases","identifiers":[{"format":"email","email":"a@example.com"}]}}""", "R66 complex with an aliases member" },
        { """{"format":"complex","transferee":{"format":"opaque","id":"x"}}""", "R66 complex with a custom member name" },
        { """{"format":"x-acme-employee","employee_number":"E-1234"}""", "R67 proprietary format" },
    };

    // Invalid identifiers: each must be refused (R23 maps them to 400).
    public static TheoryData<string, string> InvalidSubjects => new()
    {
        { """ "email" """, "R12 not an object" },
        { """{"email":"user@example.com"}""", "R12 no format" },
        { """{"subject_type":"email","email":"user@example.com"}""", "R143 legacy subject_type" },
        { """{"format":"Email","email":"user@example.com"}""", "R22 uppercase format name" },
        { """{"format":"email"}""", "R14 missing email" },
        { """{"format":"email","email":""}""", "R14 empty email" },
        { """{"format":"email","email":null}""", "R14 null email" },
        { """{"format":"email","email":"not-an-address"}""", "R14 no @" },
        { """{"format":"email","email":"two@@example.com"}""", "R14 two @" },
        { """{"format":"email","email":"user@example.com","phone_number":"+12065550100"}""", "R12 extra member" },
        { """{"format":"account","uri":"mailto:user@example.com"}""", "R13 not acct:" },
        { """{"format":"account","uri":"acct:nobody"}""", "R13 acct without host" },
        { """{"format":"iss_sub","iss":"https://issuer.example.com/"}""", "R15 missing sub" },
        { """{"format":"iss_sub","iss":"","sub":"1"}""", "R15 empty iss" },
        { """{"format":"opaque","id":""}""", "R16 empty id" },
        { """{"format":"opaque","id":42}""", "R16 id not a string" },
        { """{"format":"phone_number","phone_number":"2065550100"}""", "R17 no + prefix" },
        { """{"format":"phone_number","phone_number":"+1 206 555 0100"}""", "R17 spaces" },
        { """{"format":"phone_number","phone_number":"+0123"}""", "R17 country code 0" },
        { """{"format":"phone","phone_number":"+12065550100"}""", "A10 the SSF example's 'phone' is a misnamed phone_number" },
        { """{"format":"jwt-id","iss":"https://idp.example.com/","jti":"x"}""", "A14 ID1-era 'jwt-id' is a misnamed jwt_id" },
        { """{"format":"did","url":"https://example.com"}""", "R18 not a DID" },
        { """{"format":"did","URL":"did:example:123"}""", "R18 member is url, not URL (A10)" },
        { """{"format":"uri","uri":"/relative/path"}""", "R19 relative reference" },
        { """{"format":"uri","uri":"has space:x y"}""", "R19 invalid scheme" },
        { """{"format":"aliases","identifiers":[]}""", "R20 empty identifiers" },
        { """{"format":"aliases","identifiers":[{"format":"aliases","identifiers":[{"format":"opaque","id":"x"}]}]}""", "R20 nested aliases" },
        { """{"format":"aliases","identifiers":[{"format":"email","email":"bad"}]}""", "R20 invalid member" },
        { """{"format":"jwt_id","iss":"https://idp.example.com/"}""", "R67 jwt_id without jti" },
        { """{"format":"saml_assertion_id","issuer":"https://idp.example.com/"}""", "R67 saml without assertion_id" },
        { """{"format":"ip-addresses","ip-addresses":[]}""", "R67 empty ip-addresses" },
        { """{"format":"ip-addresses","ip-addresses":["1"]}""", "R67 shorthand IPv4 is not RFC 4001 text" },
        { """{"format":"ip-addresses","ip-addresses":["999.1.1.1"]}""", "R67 octet out of range" },
        { """{"format":"ip-addresses","ip-addresses":["10.0.0.1"],"extra":1}""", "R67 extra member" },
        { """{"format":"complex"}""", "R66 complex without members" },
        { """{"format":"complex","user":"alice"}""", "R66 member not an identifier" },
        { """{"format":"complex","user":{"format":"complex","device":{"format":"opaque","id":"d"}}}""", "R66 nested complex" },
        { """{"format":"complex","user":{"format":"email","email":"bad"}}""", "R66 invalid member identifier" },
        { """{"format":"x-acme","id":""}""", "R67 proprietary with empty value" },
        { """{"format":"x-acme"}""", "R67 proprietary without members" },
        { """{"format":"email","email":"a@example.com","email":"b@example.com"}""", "R12 duplicate member" },
    };

    [Theory]
    [MemberData(nameof(ValidSubjects))]
    public void Parse_ValidSubject_Succeeds(string json, string requirement)
    {
        var result = SubjectParser.Parse(json);

        Assert.True(result.IsSuccess, $"{requirement}: {result.Error?.Description}");
    }

    [Theory]
    [MemberData(nameof(InvalidSubjects))]
    public void Parse_InvalidSubject_FailsWithInvalidRequest(string json, string requirement)
    {
        var result = SubjectParser.Parse(json);

        Assert.False(result.IsSuccess, requirement);
        Assert.Equal(Core.Results.ErrorKind.Invalid, result.Error.Kind);
        Assert.Equal("invalid_request", result.Error.Code);
    }

    [Fact]
    public void Parse_EmailWithDifferentCase_HasSameCanonicalForm()
    {
        var lower = SubjectParser.Parse("""{"format":"email","email":"alice@example.com"}""").Value;
        var mixed = SubjectParser.Parse("""{ "email": "Alice@Example.COM", "format": "email" }""").Value;

        Assert.Equal(lower, mixed);
        Assert.Equal("""{"format":"email","email":"alice@example.com"}""", mixed.CanonicalJson);
    }

    [Fact]
    public void Parse_KeepsTheIdentifierAsGiven_ForEchoingInSets()
    {
        var subject = SubjectParser.Parse("""{ "format": "email", "email": "Alice+x@Example.com" }""").Value;

        Assert.Equal("""{"format":"email","email":"Alice+x@Example.com"}""", subject.Json);
    }

    [Fact]
    public void Parse_IpAddresses_AreNormalizedAndOrderInsensitive()
    {
        var a = SubjectParser.Parse("""{"format":"ip-addresses","ip-addresses":["2001:0db8:0000:0000:0000:8a2e:0370:7334","10.0.0.1"]}""").Value;
        var b = SubjectParser.Parse("""{"format":"ip-addresses","ip-addresses":["10.0.0.1","2001:db8::8a2e:370:7334"]}""").Value;

        Assert.Equal(a, b);
    }

    [Fact]
    public void Parse_ComplexSubject_MemberOrderDoesNotMatter()
    {
        var a = SubjectParser.Parse("""{"format":"complex","user":{"format":"opaque","id":"u"},"tenant":{"format":"opaque","id":"t"}}""").Value;
        var b = SubjectParser.Parse("""{"tenant":{"id":"t","format":"opaque"},"format":"complex","user":{"format":"opaque","id":"u"}}""").Value;

        Assert.Equal(a, b);
        Assert.Equal(["tenant", "user"], a.Members.Select(m => m.Name));
    }

    [Fact]
    public void Parse_TooLongValue_Fails()
    {
        var json = $$"""{"format":"opaque","id":"{{new string('x', SubjectParser.MaxValueLength + 1)}}"}""";

        Assert.False(SubjectParser.Parse(json).IsSuccess);
    }

    [Fact]
    public void Parse_MalformedJson_Fails()
    {
        Assert.False(SubjectParser.Parse("{\"format\":").IsSuccess);
    }
}
