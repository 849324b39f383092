using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace SetHub.Bench.Limits;

/// <summary>
/// Raw limit (a): ES256 signatures per second over all cores, with .NET's ECDsa P-256 signing a SET's header.payload
/// like the ones the scenarios cause (its length barely matters: hashing a few hundred bytes is a sliver of an
/// ECDSA signature) with SHA-256 in the IEEE P1363 format JWS uses.
/// </summary>
public static class SigningLimit
{
    /// <summary>The length of the signing input, for the report.</summary>
    public static int InputLength => SigningInput().Length;

    public static (double PerSecond, double CpuMicroseconds) Measure(TimeSpan duration)
    {
        var input = Encoding.ASCII.GetBytes(SigningInput());
        var threads = Environment.ProcessorCount;
        var counts = new long[threads];
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, thread =>
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var count = 0L;
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                key.SignData(input, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                count++;
            }

            counts[thread] = count;
        });

        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalMicroseconds;
        var total = counts.Sum();
        return (total / elapsed, cpu / total);
    }

    // A SET like the hub's: JOSE header and claims, base64url-encoded and joined by a dot.
    private static string SigningInput()
    {
        const string header = """{"alg":"ES256","kid":"k-2026-12-04-0001","typ":"secevent+jwt"}""";
        const string claims = """{"iss":"https://sethub.example.com/tenants/acme","aud":"https://rp.example.com","jti":"01JEZ3W6B5Q0Y4ZV6N8QK2M9TX","iat":1733300000,"txn":"b-000001-0000123","sub_id":{"format":"email","email":"group-17@bench.example"},"events":{"https://schemas.openid.net/secevent/caep/event-type/session-revoked":{"initiating_entity":"policy","reason_admin":{"en":"Landspeed policy violation"},"event_timestamp":1733300000}}}""";
        return $"{Base64Url(header)}.{Base64Url(claims)}";
    }

    private static string Base64Url(string json) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
}
