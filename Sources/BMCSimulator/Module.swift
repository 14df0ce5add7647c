// The BMCSimulator module: simulated Redfish BMCs and ESXi hosts on loopback for tests and `vmedia demo`.
