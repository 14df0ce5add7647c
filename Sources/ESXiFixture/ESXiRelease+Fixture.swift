import ESXi

/// The fixture data of each release: the shape of its installer image (volume identifier, typical size, the
/// modules BOOT.CFG names with their share of the size) and the stock BOOT.CFG built from it.
///
/// Module lists are per-build data. The lists below follow the shape of each release (the boot modules
/// first, then the base VIBs, about a hundred driver VIBs, the tools and the image database, with VMware's
/// 8.3 names) but are representative, not a copy of any one build. The relative sizes are weights used to
/// share a fixture's size budget the way a real image does (the base system `s.v00`, VMware Tools and, from
/// 8.0, the ESXio depot dominate), not measurements.
extension ESXiRelease {
    /// The volume identifier an Image Builder export of this release carries (an ISO9660 d-string).
    public var volumeIdentifier: String {
        switch self {
        case .v6_7: return "ESXI-6.7.0-20190402001-STANDARD"
        case .v7_0: return "ESXI-7.0U2A-17867351-STANDARD"
        case .v8_0: return "ESXI-8.0U3B-24280767-STANDARD"
        case .v9_0: return "ESXI-9.0.0.0-24678710-STANDARD"
        }
    }

    /// The usual size of the release's installer ISO: 6.7 ≈ 330 MB, 7.0 ≈ 383 MiB (196,201 sectors on
    /// 7.0U3g), 8.0 ≈ 600 MB (§3.3), 9.0 about the same as 8.0 with a larger ESXio depot. Used as the
    /// fixture's default size.
    public var typicalImageByteCount: Int64 {
        switch self {
        case .v6_7: return 330 << 20
        case .v7_0: return 384 << 20
        case .v8_0: return 600 << 20
        case .v9_0: return 640 << 20
        }
    }

    /// The stock BOOT.CFG of the release's installer (both copies, `/BOOT.CFG` and `/EFI/BOOT/BOOT.CFG`,
    /// are normally identical), with LF line endings, in the key order of §3.2.
    public var stockBootConfig: [UInt8] {
        let modules = self.modules.map { "/" + $0.name }.joined(separator: " --- ")
        let text = """
            bootstate=0
            title=\(title)
            timeout=5
            prefix=
            kernel=/\(kernel.name)
            kernelopt=\(stockKernelOptions.joined(separator: " "))
            modules=\(modules)
            build=\(build)
            updated=\(self == .v9_0 ? 1 : 0)

            """
        return Array(text.utf8)
    }

    /// The kernel, loaded by mboot before the modules.
    public var kernel: ESXiModule { ESXiModule(name: "b.b00", weight: 4) }

    /// The modules in BOOT.CFG order (after `modules=`), each with its share of the image size.
    public var modules: [ESXiModule] {
        let boot: [ESXiModule]
        let base: [ESXiModule]
        let drivers: [String]
        let tail: [ESXiModule]
        switch self {
        case .v6_7:
            boot = [.init(name: "jumpstrt.gz", weight: 1), .init(name: "useropts.gz", weight: 1),
                    .init(name: "features.gz", weight: 1), .init(name: "k.b00", weight: 30),
                    .init(name: "chardevs.b00", weight: 1), .init(name: "user.b00", weight: 20),
                    .init(name: "procfs.b00", weight: 1), .init(name: "uc_intel.b00", weight: 15),
                    .init(name: "uc_amd.b00", weight: 2), .init(name: "uc_hygon.b00", weight: 1)]
            base = [.init(name: "vmx.v00", weight: 600), .init(name: "vim.v00", weight: 250),
                    .init(name: "sb.v00", weight: 120), .init(name: "s.v00", weight: 1400)]
            drivers = Self.driverNames67
            tail = [.init(name: "esx_ui.v00", weight: 150), .init(name: "esxupdt.v00", weight: 20),
                    .init(name: "esx_dvfi.v00", weight: 5), .init(name: "weaselin.t00", weight: 40),
                    .init(name: "vsan.v00", weight: 350), .init(name: "vsanheal.v00", weight: 30),
                    .init(name: "vsanmgmt.v00", weight: 100), .init(name: "tools.t00", weight: 750),
                    .init(name: "xorg.v00", weight: 30), .init(name: "imgdb.tgz", weight: 10),
                    .init(name: "imgpayld.tgz", weight: 5)]
        case .v7_0:
            boot = [.init(name: "jumpstrt.gz", weight: 1), .init(name: "useropts.gz", weight: 1),
                    .init(name: "features.gz", weight: 1), .init(name: "k.b00", weight: 40),
                    .init(name: "uc_intel.b00", weight: 20), .init(name: "uc_amd.b00", weight: 2),
                    .init(name: "uc_hygon.b00", weight: 1), .init(name: "procfs.b00", weight: 1)]
            base = [.init(name: "vmx.v00", weight: 700), .init(name: "vim.v00", weight: 300),
                    .init(name: "tpm.v00", weight: 2), .init(name: "sb.v00", weight: 150),
                    .init(name: "s.v00", weight: 1600)]
            drivers = Self.driverNames70
            tail = [.init(name: "bmcal.v00", weight: 5), .init(name: "crx.v00", weight: 100),
                    .init(name: "elx_esx_.v00", weight: 10), .init(name: "btldr.v00", weight: 15),
                    .init(name: "esx_dvfi.v00", weight: 5), .init(name: "esx_ui.v00", weight: 200),
                    .init(name: "esxupdt.v00", weight: 25), .init(name: "tpmesxup.v00", weight: 2),
                    .init(name: "weaselin.v00", weight: 40), .init(name: "loadesx.v00", weight: 5),
                    .init(name: "native_m.v00", weight: 5), .init(name: "qlnative.v00", weight: 10),
                    .init(name: "trx.v00", weight: 50), .init(name: "vdfs.v00", weight: 40),
                    .init(name: "vmware_e.v00", weight: 5), .init(name: "vsan.v00", weight: 400),
                    .init(name: "vsanheal.v00", weight: 40), .init(name: "vsanmgmt.v00", weight: 120),
                    .init(name: "tools.t00", weight: 900), .init(name: "xorg.v00", weight: 30),
                    .init(name: "imgdb.tgz", weight: 12), .init(name: "imgpayld.tgz", weight: 5)]
        case .v8_0, .v9_0:
            boot = [.init(name: "jumpstrt.gz", weight: 1), .init(name: "useropts.gz", weight: 1),
                    .init(name: "features.gz", weight: 1), .init(name: "k.b00", weight: 50),
                    .init(name: "uc_intel.b00", weight: 25), .init(name: "uc_amd.b00", weight: 3),
                    .init(name: "uc_hygon.b00", weight: 1), .init(name: "procfs.b00", weight: 1)]
            base = [.init(name: "vmx.v00", weight: 800), .init(name: "vim.v00", weight: 350),
                    .init(name: "tpm.v00", weight: 2), .init(name: "sb.v00", weight: 200),
                    .init(name: "s.v00", weight: 1800)]
            drivers = self == .v9_0 ? Self.driverNames90 : Self.driverNames80
            tail = [.init(name: "bmcal.v00", weight: 5), .init(name: "clusters.v00", weight: 20),
                    .init(name: "crx.v00", weight: 120), .init(name: "drivervm.v00", weight: 30),
                    .init(name: "elx_esx_.v00", weight: 10), .init(name: "btldr.v00", weight: 15),
                    .init(name: "esx_dvfi.v00", weight: 5), .init(name: "esx_ui.v00", weight: 220),
                    .init(name: "esxupdt.v00", weight: 30), .init(name: "tpmesxup.v00", weight: 2),
                    .init(name: "weaselin.v00", weight: 45), .init(name: "esxio_co.v00", weight: 30),
                    .init(name: "infravis.v00", weight: 40), .init(name: "loadesx.v00", weight: 5),
                    .init(name: "native_m.v00", weight: 5),
                    .init(name: "qlnative.v00", weight: 10), .init(name: "trx.v00", weight: 60),
                    .init(name: "vdfs.v00", weight: 50), .init(name: "vds_vsip.v00", weight: 20),
                    .init(name: "vmware_e.v00", weight: 5), .init(name: "vsan.v00", weight: 450),
                    .init(name: "vsanheal.v00", weight: 45), .init(name: "vsanmgmt.v00", weight: 140),
                    .init(name: "tools.t00", weight: 1000), .init(name: "xorg.v00", weight: 30),
                    .init(name: "gc.v00", weight: 60), .init(name: "imgdb.tgz", weight: 15),
                    .init(name: "basemisc.tgz", weight: 150), .init(name: "resvibs.tgz", weight: 300),
                    .init(name: "esxiodpt.tgz", weight: 1500), .init(name: "imgpayld.tgz", weight: 5)]
        }
        return boot + base + drivers.map { ESXiModule(name: $0, weight: 8) } + tail
    }

    // Driver VIBs: 6.7 still ships the vmklinux-era `net_*`, `scsi_*`, `sata_*` and `shim_*` packages;
    // 7.0 dropped vmklinux, so its list is native drivers only; 8.0 adds DPU and newer NIC/NVMe drivers.
    private static let driverNames67: [String] = [
        "ata_liba.v00", "ata_pata.v00", "ata_pata.v01", "ata_pata.v02", "ata_pata.v03", "ata_pata.v04",
        "ata_pata.v05", "ata_pata.v06", "ata_pata.v07", "block_cc.v00", "bnxtnet.v00", "bnxtroce.v00",
        "brcmfcoe.v00", "char_ran.v00", "ehci_ehc.v00", "elxiscsi.v00", "elxnet.v00", "hid_hid.v00",
        "i40en.v00", "iavmd.v00", "igbn.v00", "ima_qla4.v00", "ipmi_ipm.v00", "ipmi_ipm.v01", "ipmi_ipm.v02",
        "iser.v00", "ixgben.v00", "lpfc.v00", "lpnic.v00", "lsi_mr3.v00", "lsi_msgp.v00", "lsi_msgp.v01",
        "lsi_msgp.v02", "misc_cni.v00", "misc_dri.v00", "mtip32xx.v00", "ne1000.v00", "nenic.v00",
        "net_bnx2.v00", "net_bnx2.v01", "net_cdc_.v00", "net_cnic.v00", "net_e100.v00", "net_e100.v01",
        "net_enic.v00", "net_fcoe.v00", "net_forc.v00", "net_igb.v00", "net_ixgb.v00", "net_libf.v00",
        "net_mlx4.v00", "net_mlx4.v01", "net_nx_n.v00", "net_tg3.v00", "net_usbn.v00", "net_vmxn.v00",
        "nfnic.v00", "nhpsa.v00", "nmlx4_co.v00", "nmlx4_en.v00", "nmlx4_rd.v00", "nmlx5_co.v00",
        "nmlx5_rd.v00", "ntg3.v00", "nvme.v00", "nvmxnet3.v00", "ohci_usb.v00", "pvscsi.v00", "qcnic.v00",
        "qedentv.v00", "qfle3.v00", "qfle3f.v00", "qfle3i.v00", "qflge.v00", "sata_ahc.v00", "sata_ata.v00",
        "sata_sat.v00", "sata_sat.v01", "sata_sat.v02", "sata_sat.v03", "sata_sat.v04", "scsi_aac.v00",
        "scsi_adp.v00", "scsi_aic.v00", "scsi_bnx.v00", "scsi_bnx.v01", "scsi_fni.v00", "scsi_hps.v00",
        "scsi_ips.v00", "scsi_isc.v00", "scsi_lib.v00", "scsi_meg.v00", "scsi_meg.v01", "scsi_meg.v02",
        "scsi_mpt.v00", "scsi_mpt.v01", "scsi_mpt.v02", "scsi_qla.v00", "sfvmk.v00", "shim_isc.v00",
        "shim_isc.v01", "shim_lib.v00", "shim_lib.v01", "shim_lib.v02", "shim_lib.v03", "shim_lib.v04",
        "shim_lib.v05", "shim_vmk.v00", "shim_vmk.v01", "shim_vmk.v02", "smartpqi.v00", "uhci_usb.v00",
        "usb_stor.v00", "usbcore_.v00", "vmkata.v00", "vmkfcoe.v00", "vmkplexe.v00", "vmkusb.v00",
        "vmw_ahci.v00", "xhci_xhc.v00", "elx_esx_.v00", "btldr.t00", "lsu_hp_h.v00", "lsu_inte.v00",
        "lsu_lsi_.v00", "lsu_lsi_.v01", "lsu_lsi_.v02", "lsu_lsi_.v03", "lsu_smar.v00", "native_m.v00",
        "qlnative.v00", "rste.v00", "vmware_e.v00",
    ]

    private static let driverNames70: [String] = [
        "atlantic.v00", "bnxtnet.v00", "bnxtroce.v00", "brcmfcoe.v00", "brcmnvme.v00", "elxiscsi.v00",
        "elxnet.v00", "i40en.v00", "i40iwn.v00", "iavmd.v00", "icen.v00", "igbn.v00", "ionic_en.v00",
        "irdman.v00", "iser.v00", "ixgben.v00", "lpfc.v00", "lpnic.v00", "lsi_mr3.v00", "lsi_msgp.v00",
        "lsi_msgp.v01", "lsi_msgp.v02", "mtip32xx.v00", "ne1000.v00", "nenic.v00", "nfnic.v00", "nhpsa.v00",
        "nmlx4_co.v00", "nmlx4_en.v00", "nmlx4_rd.v00", "nmlx5_co.v00", "nmlx5_rd.v00", "ntg3.v00",
        "nvme_pci.v00", "nvmerdma.v00", "nvmetcp.v00", "nvmxnet3.v00", "nvmxnet3.v01", "pvscsi.v00",
        "qcnic.v00", "qedentv.v00", "qedrntv.v00", "qfle3.v00", "qfle3f.v00", "qfle3i.v00", "qflge.v00",
        "rste.v00", "sfvmk.v00", "smartpqi.v00", "vmkata.v00", "vmkfcoe.v00", "vmkusb.v00", "vmw_ahci.v00",
        "lsuv2_hp.v00", "lsuv2_in.v00", "lsuv2_ls.v00", "lsuv2_nv.v00", "lsuv2_oe.v00", "lsuv2_oe.v01",
        "lsuv2_oe.v02", "lsuv2_sm.v00", "nmlxbf_g.v00", "bcm_mpi3.v00", "mnet.v00", "nipmi.v00",
        "nvmetcp_.v00", "iofilter.v00", "vmkapi_c.v00", "cpu_micr.v00", "dwi2c.v00", "nfnic_el.v00",
        "pensando.v00", "rdmahl.v00", "spidrv.v00", "vmksdhci.v00", "ahci_pl.v00", "amdgpio.v00",
        "intelgpi.v00", "mlnx_bfb.v00", "ptp4l.v00", "sdhci_pl.v00", "vmkusb_n.v00", "hpe_smx.v00",
        "dell_opt.v00", "lnv_xcc.v00", "ipmi_si.v00", "ipmi_dev.v00", "ipmi_msg.v00", "usbnet.v00",
        "cdc_ncm.v00", "r8152.v00", "ax88179.v00", "nvme_pcm.v00", "tpm2.v00", "watchdog.v00",
    ]

    // 9.0: the 8.0 set plus newer DPU and NVMe/TCP drivers (representative, as above).
    private static let driverNames90: [String] = driverNames80 + [
        "bnxtdpu.v00", "ionic_cl.v00", "nvmetcpi.v00", "mlx5_dpu.v00", "intelipu.v00",
    ]

    private static let driverNames80: [String] = driverNames70 + [
        "bnxtnet_.v00", "icen_ens.v00", "i40en_en.v00", "ixgben_e.v00", "mlx5_ens.v00", "nmlx5_cc.v00",
        "ntb.v00", "nvme_ext.v00", "qedf.v00", "qedi.v00", "sfc.v00", "vmkfcoe2.v00", "zpci.v00",
        "dpu_mgmt.v00", "esxio_dr.v00", "pciehp.v00",
    ]
}
