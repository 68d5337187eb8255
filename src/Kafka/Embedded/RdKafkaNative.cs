using System.Reflection;
using System.Runtime.InteropServices;

namespace StreamJepa.Kafka.Embedded;

/// <summary>
/// The few librdkafka functions Confluent.Kafka does not wrap: client creation for the mock cluster and the mock
/// cluster itself. They bind to the very library Confluent.Kafka loaded: on Debian 12 that is
/// <c>centos8-librdkafka.so</c> (the default build needs libsasl2.so.3), so a plain "librdkafka" lookup would fail.
/// </summary>
internal static partial class RdKafkaNative
{
    private const string Library = "librdkafka";
    private static readonly Lazy<IntPtr> Loaded = new(LoadConfluentsLibrary);

    static RdKafkaNative() =>
        NativeLibrary.SetDllImportResolver(typeof(RdKafkaNative).Assembly, Resolve);

    /// <summary>The path of the librdkafka that Confluent.Kafka loaded into this process.</summary>
    public static string LoadedPath { get; private set; } = string.Empty;

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_new")]
    public static partial IntPtr ConfNew();

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_set", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ConfSet(IntPtr conf, string name, string value, byte[] errstr, nuint errstrSize);

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_destroy")]
    public static partial void ConfDestroy(IntPtr conf);

    /// <summary>rd_kafka_new: takes ownership of <paramref name="conf"/> when it succeeds.</summary>
    [LibraryImport(Library, EntryPoint = "rd_kafka_new")]
    public static partial IntPtr New(int type, IntPtr conf, byte[] errstr, nuint errstrSize);

    [LibraryImport(Library, EntryPoint = "rd_kafka_destroy")]
    public static partial void Destroy(IntPtr rk);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_new")]
    public static partial IntPtr MockClusterNew(IntPtr rk, int brokerCount);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_destroy")]
    public static partial void MockClusterDestroy(IntPtr cluster);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_bootstraps")]
    public static partial IntPtr MockClusterBootstraps(IntPtr cluster);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_down")]
    public static partial int MockBrokerSetDown(IntPtr cluster, int brokerId);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_up")]
    public static partial int MockBrokerSetUp(IntPtr cluster, int brokerId);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_rtt")]
    public static partial int MockBrokerSetRtt(IntPtr cluster, int brokerId, int rttMs);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_topic_create", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MockTopicCreate(IntPtr cluster, string topic, int partitions, int replicationFactor);

    /// <summary>The array form of rd_kafka_mock_push_request_errors (the other is variadic).</summary>
    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_push_request_errors_array")]
    public static partial void MockPushRequestErrors(IntPtr cluster, short apiKey, nuint count, int[] errors);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_clear_request_errors")]
    public static partial void MockClearRequestErrors(IntPtr cluster, short apiKey);

    /// <summary>rd_kafka_test_fatal_error: raises a fatal error on a client, to test how it is handled.</summary>
    [LibraryImport(Library, EntryPoint = "rd_kafka_test_fatal_error", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int TestFatalError(IntPtr rk, int error, string reason);

    [LibraryImport(Library, EntryPoint = "rd_kafka_err2str")]
    public static partial IntPtr ErrorString(int error);

    /// <summary>Makes sure the library is loaded (through Confluent.Kafka) before the first call.</summary>
    public static void EnsureLoaded() => _ = Loaded.Value;

    public static string Describe(int error) => Marshal.PtrToStringUTF8(ErrorString(error)) ?? $"error {error}";

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == Library ? Loaded.Value : IntPtr.Zero;

    private static IntPtr LoadConfluentsLibrary()
    {
        Confluent.Kafka.Library.Load();
        var path = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && fields[5].Contains("librdkafka", StringComparison.Ordinal))
            .Select(fields => string.Join(' ', fields[5..]))
            .FirstOrDefault()
            ?? throw new DllNotFoundException("Confluent.Kafka loaded no librdkafka into this process.");
        LoadedPath = path;
        return NativeLibrary.Load(path);
    }
}
