// mailsim-ns3-tcp SIZE_BYTES BANDWIDTH_BPS LATENCY_NS: one TCP bulk transfer of SIZE bytes
// over a point-to-point link in ns-3, the packet-level peer that `mailsim bench tcp`
// compares mailsim's network model against. Prints one tcp line on stdout:
//   tcp size=... bps=... latency_ns=... seconds=... packets=... drops=...
// seconds runs from the application's start (the SYN) to the moment the sink holds all
// SIZE bytes; packets counts what the sender's device put on the wire (data, SYN, ACK,
// FIN and any retransmission), drops what either side's queue or device discarded.
//
// TCP is set up as the "ideal" TCP of mailsim's model: 1460-byte segments (timestamps off,
// so a segment fills a 1500-byte MTU exactly), an initial window of 10 segments, NewReno
// slow start with an ACK per segment (the window doubles every round trip), 64 MiB socket
// buffers so that the receive window never limits, and a device queue deep enough that
// nothing is dropped. What remains is what mailsim leaves out: 40 bytes of TCP/IP and
// 2 of PPP header per packet, the handshake's own packets, and ACK clocking.
#include <ns3/applications-module.h>
#include <ns3/core-module.h>
#include <ns3/internet-module.h>
#include <ns3/network-module.h>
#include <ns3/point-to-point-module.h>
#include <ns3/traffic-control-module.h>

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string_view>

namespace {

constexpr std::uint32_t kSegmentBytes = 1460;
constexpr std::uint32_t kSocketBufferBytes = 64u << 20;
constexpr const char* kDeviceQueue = "1000000p";
constexpr std::uint16_t kPort = 25;

struct Transfer {
  std::uint64_t size = 0;
  std::uint64_t received = 0;
  ns3::Time done;
  std::uint64_t packets = 0;
  std::uint64_t drops = 0;

  void on_rx(ns3::Ptr<const ns3::Packet> packet, const ns3::Address&) {
    received += packet->GetSize();
    if (received >= size && done.IsZero()) {
      done = ns3::Simulator::Now();
      ns3::Simulator::Stop();
    }
  }
  void on_tx(ns3::Ptr<const ns3::Packet>) { ++packets; }
  void on_drop(ns3::Ptr<const ns3::Packet>) { ++drops; }
};

bool parse_count(std::string_view text, std::uint64_t& value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

void configure_tcp() {
  using ns3::Config::SetDefault;
  SetDefault("ns3::TcpL4Protocol::SocketType", ns3::TypeIdValue(ns3::TcpNewReno::GetTypeId()));
  SetDefault("ns3::TcpSocket::SegmentSize", ns3::UintegerValue(kSegmentBytes));
  SetDefault("ns3::TcpSocket::InitialCwnd", ns3::UintegerValue(10));
  SetDefault("ns3::TcpSocket::SndBufSize", ns3::UintegerValue(kSocketBufferBytes));
  SetDefault("ns3::TcpSocket::RcvBufSize", ns3::UintegerValue(kSocketBufferBytes));
  SetDefault("ns3::TcpSocket::DelAckCount", ns3::UintegerValue(1));
  SetDefault("ns3::TcpSocketBase::Timestamp", ns3::BooleanValue(false));
}

// Wires the hosts' devices to `transfer`'s counters; `sender` is the client's device.
void trace_devices(const ns3::NetDeviceContainer& devices, Transfer& transfer) {
  devices.Get(0)->TraceConnectWithoutContext("PhyTxBegin",
                                             ns3::MakeCallback(&Transfer::on_tx, &transfer));
  for (std::uint32_t i = 0; i < devices.GetN(); ++i) {
    auto device = ns3::DynamicCast<ns3::PointToPointNetDevice>(devices.Get(i));
    device->GetQueue()->TraceConnectWithoutContext(
        "Drop", ns3::MakeCallback(&Transfer::on_drop, &transfer));
    device->TraceConnectWithoutContext("MacTxDrop",
                                       ns3::MakeCallback(&Transfer::on_drop, &transfer));
    device->TraceConnectWithoutContext("PhyRxDrop",
                                       ns3::MakeCallback(&Transfer::on_drop, &transfer));
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t size = 0;
  std::uint64_t bps = 0;
  std::uint64_t latency_ns = 0;
  if (argc != 4 || !parse_count(argv[1], size) || !parse_count(argv[2], bps) ||
      !parse_count(argv[3], latency_ns) || size == 0 || bps == 0) {
    std::fprintf(stderr, "usage: %s SIZE_BYTES BANDWIDTH_BPS LATENCY_NS (SIZE, BPS > 0)\n",
                 argv[0]);
    return 2;
  }
  configure_tcp();

  ns3::NodeContainer nodes;
  nodes.Create(2);
  ns3::PointToPointHelper link;
  link.SetDeviceAttribute("DataRate", ns3::DataRateValue(ns3::DataRate(bps)));
  link.SetChannelAttribute("Delay", ns3::TimeValue(ns3::NanoSeconds(latency_ns)));
  link.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize",
                ns3::QueueSizeValue(ns3::QueueSize(kDeviceQueue)));
  const ns3::NetDeviceContainer devices = link.Install(nodes);

  ns3::InternetStackHelper internet;
  internet.Install(nodes);
  ns3::Ipv4AddressHelper addresses;
  addresses.SetBase("10.0.0.0", "255.255.255.252");
  const ns3::Ipv4InterfaceContainer interfaces = addresses.Assign(devices);
  // Assign() puts a 1000-packet pfifo_fast queue disc in front of each device; without it
  // the deep device queue alone holds what the window has in flight.
  ns3::TrafficControlHelper().Uninstall(devices);

  Transfer transfer;
  transfer.size = size;
  trace_devices(devices, transfer);

  const ns3::Address server(ns3::InetSocketAddress(interfaces.GetAddress(1), kPort));
  ns3::PacketSinkHelper sink("ns3::TcpSocketFactory",
                             ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), kPort));
  ns3::ApplicationContainer sinks = sink.Install(nodes.Get(1));
  sinks.Get(0)->TraceConnectWithoutContext("Rx", ns3::MakeCallback(&Transfer::on_rx, &transfer));
  sinks.Start(ns3::Seconds(0));

  ns3::BulkSendHelper bulk("ns3::TcpSocketFactory", server);
  bulk.SetAttribute("MaxBytes", ns3::UintegerValue(size));
  bulk.SetAttribute("SendSize", ns3::UintegerValue(64 * 1024));
  ns3::ApplicationContainer senders = bulk.Install(nodes.Get(0));
  senders.Start(ns3::Seconds(0));

  ns3::Simulator::Run();
  ns3::Simulator::Destroy();
  if (transfer.done.IsZero()) {
    std::fprintf(stderr, "%s: the sink received %llu of %llu bytes\n", argv[0],
                 static_cast<unsigned long long>(transfer.received),
                 static_cast<unsigned long long>(size));
    return 1;
  }
  std::printf("tcp size=%llu bps=%llu latency_ns=%llu seconds=%.9f packets=%llu drops=%llu\n",
              static_cast<unsigned long long>(size), static_cast<unsigned long long>(bps),
              static_cast<unsigned long long>(latency_ns), transfer.done.GetSeconds(),
              static_cast<unsigned long long>(transfer.packets),
              static_cast<unsigned long long>(transfer.drops));
  return 0;
}
