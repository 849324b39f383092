namespace SetHub.Core.Storage;

/// <summary>Creates or upgrades the store's schema at start.</summary>
public interface IStoreInitializer
{
    /// <summary>Applies every pending migration; safe to call from several nodes at once.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);
}
