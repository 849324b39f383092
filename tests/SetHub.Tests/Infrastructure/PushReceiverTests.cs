namespace SetHub.Tests.Infrastructure;

/// <summary>A test class with a local push receiver of its own, started before each test and stopped after it.</summary>
public abstract class PushReceiverTests : IAsyncLifetime
{
    /// <summary>A subject most tests publish about.</summary>
    protected const string Alice = """{"format":"email","email":"alice@example.com"}""";

    /// <summary>The receiver.</summary>
    protected TestPushReceiver Receiver { get; private set; } = null!;

    /// <summary>The test's cancellation token.</summary>
    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => Receiver = await TestPushReceiver.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await Receiver.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
