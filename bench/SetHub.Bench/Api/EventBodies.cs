using System.Text;

namespace SetHub.Bench.Api;

/// <summary>
/// Publish bodies (README "Publishing and delivery"): one CAEP session-revoked event about an e-mail subject, with a
/// payload like a real IdP's, so a SET weighs what one would in production (about 700 bytes signed). The bench
/// names each publish's <c>txn</c> itself: it finds the publish again in every SET it causes.
/// </summary>
public static class EventBodies
{
    /// <summary>The subject of group <paramref name="group"/>: every stream of the group has it added.</summary>
    public static string GroupSubject(int group) => $$"""{"format":"email","email":"group-{{group}}@bench.example"}""";

    /// <summary>A subject no stream has added: reaches only streams that take every subject (ALL).</summary>
    public static string AnySubject(long n) => $$"""{"format":"email","email":"user-{{n}}@bench.example"}""";

    public static byte[] SessionRevoked(string subjectJson, string txn) => Encoding.UTF8.GetBytes(
        $$$"""{"events":{"{{{HubApi.SessionRevoked}}}":{"initiating_entity":"policy","reason_admin":{"en":"Landspeed policy violation"},"event_timestamp":1733300000}},"sub_id":{{{subjectJson}}},"txn":"{{{txn}}}"}""");
}
