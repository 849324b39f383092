namespace SetHub.Core.Storage;

/// <summary>Hub-wide settings (the generated operator token hash, the generated master key).</summary>
public interface ISettingsStore
{
    /// <summary>Reads a setting, or <see langword="null"/> when it was never set.</summary>
    Task<string?> GetSettingAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="value"/> unless the setting exists, and returns the stored value. When several
    /// nodes race, exactly one value wins and every node gets it.</summary>
    Task<string> GetOrAddSettingAsync(string name, string value, CancellationToken cancellationToken = default);
}
