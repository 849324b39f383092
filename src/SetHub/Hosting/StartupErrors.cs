using Microsoft.Extensions.Options;

namespace SetHub.Hosting;

/// <summary>Tells a bad setting found at start-up from a fault, so the node can stop with one line naming the key.</summary>
internal static class StartupErrors
{
    /// <summary>The exit code of a node stopped by a bad setting.</summary>
    public const int BadConfiguration = 2;

    /// <summary>What to tell the operator when <paramref name="exception"/> is a bad setting, else
    /// <see langword="null"/>: a failed validation (its messages name the keys), or a value the configuration binder could
    /// not convert (its message names the key and the type).</summary>
    public static string? ConfigurationMessage(Exception exception) => exception switch
    {
        OptionsValidationException invalid => string.Join(" ", invalid.Failures),
        InvalidOperationException { Message: var message } when message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) => message,
        _ => null,
    };
}
