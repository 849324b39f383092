using Microsoft.Extensions.Options;

namespace SetHub.Configuration;

/// <summary>Checks <see cref="SetHubOptions"/> at start, so a bad value stops the node with a clear message.</summary>
internal sealed class SetHubOptionsValidator : IValidateOptions<SetHubOptions>
{
    public ValidateOptionsResult Validate(string? name, SetHubOptions options)
    {
        var failures = new List<string>();
        if (options.PublicBaseUrl is { } url &&
            (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) ||
             uri.Query.Length > 0 || uri.Fragment.Length > 0))
        {
            failures.Add("SetHub:PublicBaseUrl must be an absolute http(s) URL without query or fragment.");
        }

        if (options.AdminToken is { Length: < 16 })
        {
            failures.Add("SetHub:AdminToken must be at least 16 characters.");
        }

        if (options.MasterKey is { } key && !IsBase64Key(key))
        {
            failures.Add("SetHub:MasterKey must be the base64 encoding of exactly 32 bytes (e.g. `openssl rand -base64 32`).");
        }

        if (options.PreviousMasterKeys.Any(previous => !IsBase64Key(previous)))
        {
            failures.Add("Every SetHub:PreviousMasterKeys entry must be the base64 encoding of exactly 32 bytes.");
        }

        if (options.PreviousMasterKeys.Count > 0 && options.MasterKey is null)
        {
            failures.Add("SetHub:PreviousMasterKeys needs SetHub:MasterKey: the key that replaced them.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsBase64Key(string value)
    {
        Span<byte> buffer = stackalloc byte[64];
        return Convert.TryFromBase64String(value, buffer, out var written) && written == 32;
    }
}
