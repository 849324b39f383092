using System.Text.Json;
using SetHub.Core.Events;

namespace SetHub.Core.Tests.Events;

public sealed class PublishRequestTests
{
    [Fact]
    public void Parse_ReadsEverything()
    {
        var request = PublishRequest.Parse(Json("""
            {"events":{"https://schemas.openid.net/secevent/caep/event-type/session-revoked":{ "initiating_entity" : "admin" }},
             "sub_id":{"format":"email","email":"a@example.com"},"txn":"t-1","toe":1700000000.5}
            """)).Value;

        Assert.Equal(SsfConstants.CaepEvents.SessionRevoked, request.EventType);
        Assert.Equal("""{"initiating_entity":"admin"}""", request.PayloadJson);
        Assert.Equal("email", request.Subject.Format);
        Assert.Equal("t-1", request.Transaction);
        Assert.Equal(1700000000, request.TimeOfEvent);
    }

    [Theory]
    [InlineData(SsfConstants.CaepEvents.SessionRevoked, """{"reason_admin":{"en":"Landspeed Policy Violation","es-410":"Violación"}}""", true)]
    [InlineData(SsfConstants.CaepEvents.SessionRevoked, """{"reason_admin":{"not a tag!":"x"}}""", false)]
    [InlineData(SsfConstants.CaepEvents.SessionRevoked, """{"reason_user":{"en":5}}""", false)]
    [InlineData(SsfConstants.CaepEvents.TokenClaimsChange, """{"claims":{}}""", false)]
    [InlineData(SsfConstants.CaepEvents.CredentialChange, """{"credential_type":"password","change_type":"update","x509_serial":7}""", false)]
    [InlineData(SsfConstants.CaepEvents.AssuranceLevelChange, """{"namespace":"RFC8176","current_level":"mfa","change_direction":"sideways"}""", false)]
    [InlineData(SsfConstants.CaepEvents.SessionEstablished, """{"amr":"pwd"}""", false)]
    [InlineData(SsfConstants.CaepEvents.RiskLevelChange, """{"principal":"USER","current_level":"LOW","previous_level":"HIGH","risk_reason":"PASSWORD_FOUND_IN_DATA_BREACH"}""", true)]
    [InlineData(SsfConstants.RiscEvents.AccountPurged, """{"extension":"allowed"}""", true)]
    [InlineData(SsfConstants.RiscEvents.AccountDisabled, """{"reason":"hijacking"}""", true)]
    [InlineData(SsfConstants.RiscEvents.CredentialCompromise, """{"credential_type":"password","event_timestamp":1700000000}""", true)]
    public void Parse_ValidatesPayloads(string eventType, string payload, bool valid)
    {
        var result = PublishRequest.Parse(Json($$"""{"events":{"{{eventType}}":{{payload}} },"sub_id":{"format":"email","email":"a@example.com"} }"""));

        Assert.Equal(valid, result.IsSuccess);
    }

    [Fact]
    public void Parse_IdentifierChanged_AcceptsEmailAndPhoneSubjects()
    {
        var email = Json($$"""{"events":{"{{SsfConstants.RiscEvents.IdentifierChanged}}":{"new-value":"b@example.com"} },"sub_id":{"format":"email","email":"a@example.com"} }""");
        var phone = Json($$"""{"events":{"{{SsfConstants.RiscEvents.IdentifierRecycled}}":{} },"sub_id":{"format":"phone_number","phone_number":"+12065550100"} }""");

        Assert.True(PublishRequest.Parse(email).IsSuccess);
        Assert.True(PublishRequest.Parse(phone).IsSuccess);
    }

    // R71, SSF 1.0 §4.1.9: txn is unique to the underlying event.
    [Theory]
    [InlineData("\"\"")]
    [InlineData("5")]
    public void Parse_InvalidTxn_IsRejected(string txn)
    {
        var result = PublishRequest.Parse(Json($$"""{"events":{"{{SsfConstants.RiscEvents.AccountPurged}}":{} },"sub_id":{"format":"email","email":"a@example.com"},"txn":{{txn}} }"""));

        Assert.False(result.IsSuccess);
    }

    private static JsonElement Json(string body) => JsonDocument.Parse(body).RootElement.Clone();
}
