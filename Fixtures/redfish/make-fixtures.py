#!/usr/bin/env python3
"""Writes the recorded-response fixtures under Fixtures/redfish/<vendor-gen>/.

Every file is one Redfish resource named after its URI path (/redfish/v1/Systems/1 -> redfish/v1/Systems/1.json).
The JSON is written by hand here, modelled on the public files redfish-testbed.md §2.3 lists (field names,
URI layout, action targets, AllowableValues, vendor IDs); no fetched file is copied. Run from this folder:
    python3 make-fixtures.py
"""
import json, os, shutil

OLD = "http://192.0.2.10/old/previous.iso"     # an image left behind by an earlier run (documentation address)

def col(uri, members, name="Collection"):
    return {"@odata.id": uri, "Name": name, "Members@odata.count": len(members), "Members": [{"@odata.id": m} for m in members]}

def root(vendor=None, product=None, version="1.11.0", sessions=True, oem=None, extra=None):
    r = {"@odata.id": "/redfish/v1", "@odata.type": "#ServiceRoot.v1_11_0.ServiceRoot", "Id": "RootService",
         "RedfishVersion": version, "Systems": {"@odata.id": "/redfish/v1/Systems"},
         "Managers": {"@odata.id": "/redfish/v1/Managers"}}
    if vendor: r["Vendor"] = vendor
    if product: r["Product"] = product
    if sessions:
        r["SessionService"] = {"@odata.id": "/redfish/v1/SessionService"}
        r["Links"] = {"Sessions": {"@odata.id": "/redfish/v1/SessionService/Sessions"}}
    if oem: r["Oem"] = oem
    if extra: r.update(extra)
    return r

def system(uri, manufacturer, model, mgr, vm=None, power="Off", targets=None, resets=None, extra=None, enabled_allowed=None):
    s = {"@odata.id": uri, "@odata.type": "#ComputerSystem.v1_13_0.ComputerSystem", "Id": uri.split("/")[-1],
         "Manufacturer": manufacturer, "Model": model, "SerialNumber": "SN" + uri.split("/")[-1].replace(".", ""),
         "PowerState": power,
         "Boot": {"BootSourceOverrideEnabled": "Disabled", "BootSourceOverrideTarget": "None", "BootSourceOverrideMode": "UEFI"},
         "Actions": {"#ComputerSystem.Reset": {"target": uri + "/Actions/ComputerSystem.Reset",
                                               "ResetType@Redfish.AllowableValues": resets or ["On", "ForceOff", "GracefulShutdown", "GracefulRestart", "ForceRestart", "Nmi", "PushPowerButton"]}},
         "Links": {"ManagedBy": [{"@odata.id": mgr}]}}
    if targets is not None: s["Boot"]["BootSourceOverrideTarget@Redfish.AllowableValues"] = targets
    if enabled_allowed is not None: s["Boot"]["BootSourceOverrideEnabled@Redfish.AllowableValues"] = enabled_allowed
    if vm: s["VirtualMedia"] = {"@odata.id": vm}
    if extra: s.update(extra)
    return s

def manager(uri, model, fw, vm=None, extra=None):
    m = {"@odata.id": uri, "@odata.type": "#Manager.v1_10_0.Manager", "Id": uri.split("/")[-1], "ManagerType": "BMC",
         "Model": model, "FirmwareVersion": fw}
    if vm: m["VirtualMedia"] = {"@odata.id": vm}
    if extra: m.update(extra)
    return m

def slot(uri, types, image=None, actions=True, connected=None, extra=None, name=None):
    inserted = image is not None
    v = {"@odata.id": uri, "@odata.type": "#VirtualMedia.v1_3_0.VirtualMedia", "Id": uri.split("/")[-1],
         "Name": name or "Virtual " + types[0], "MediaTypes": types, "Image": image,
         "ImageName": image.split("/")[-1] if image else None, "Inserted": inserted, "WriteProtected": True,
         "ConnectedVia": connected or ("URI" if inserted else "NotConnected")}
    if actions:
        v["Actions"] = {"#VirtualMedia.InsertMedia": {"target": uri + "/Actions/VirtualMedia.InsertMedia"},
                        "#VirtualMedia.EjectMedia": {"target": uri + "/Actions/VirtualMedia.EjectMedia"}}
    if extra: v.update(extra)
    return v

def drive(uri, model, serial, size, media="SSD", proto="SATA", ids=None):
    d = {"@odata.id": uri, "Id": uri.split("/")[-1], "Name": uri.split("/")[-1], "Model": model, "SerialNumber": serial,
         "CapacityBytes": size, "MediaType": media, "Protocol": proto}
    if ids: d["Identifiers"] = [{"DurableNameFormat": f, "DurableName": n} for f, n in ids]
    return d

def nic(uri, mac, link, speed):
    return {"@odata.id": uri, "Id": uri.split("/")[-1], "Name": "NIC " + uri.split("/")[-1], "MACAddress": mac,
            "PermanentMACAddress": mac, "LinkStatus": link, "SpeedMbps": speed, "InterfaceEnabled": True}

def session_service():
    return {"@odata.id": "/redfish/v1/SessionService", "Id": "SessionService", "ServiceEnabled": True, "SessionTimeout": 1800,
            "Sessions": {"@odata.id": "/redfish/v1/SessionService/Sessions"}}

sets = {}

# The job an SCP import starts (202 + Location), as the iDRAC reports it when done.
SCP_JOB = {"@odata.id": "/redfish/v1/TaskService/Tasks/JID_471269252011", "Id": "JID_471269252011", "TaskState": "Completed", "TaskStatus": "OK",
           "PercentComplete": 100, "Messages": [{"MessageId": "IDRAC.2.1.SYS053", "Message": "Successfully imported and applied Server Configuration Profile."}]}

# Dell iDRAC9 4.x (14G): virtual media under the Manager (CD + RemovableDisk), OEM SCP import action.
S, M = "/redfish/v1/Systems/System.Embedded.1", "/redfish/v1/Managers/iDRAC.Embedded.1"
sets["dell-idrac9-4x"] = [
    root("Dell", "Integrated Dell Remote Access Controller", "1.9.0", oem={"Dell": {"@odata.type": "#DellServiceRoot.v1_0_0.DellServiceRoot"}}),
    col("/redfish/v1/Systems", [S]), col("/redfish/v1/Managers", [M]), session_service(),
    system(S, "Dell Inc.", "PowerEdge R640", M, power="On", targets=["None", "Pxe", "Floppy", "Cd", "Hdd", "BiosSetup", "Utilities", "UefiTarget", "SDCard", "UefiHttp"]),
    manager(M, "14G Monolithic", "4.22.00.00", vm=M + "/VirtualMedia",
            extra={"Actions": {"Oem": {"#OemManager.ImportSystemConfiguration": {"target": M + "/Actions/Oem/EID_674_Manager.ImportSystemConfiguration"}}}}),
    col(M + "/VirtualMedia", [M + "/VirtualMedia/CD", M + "/VirtualMedia/RemovableDisk"]),
    slot(M + "/VirtualMedia/CD", ["CD", "DVD"], image=OLD, name="Virtual CD"),
    slot(M + "/VirtualMedia/RemovableDisk", ["USBStick"], name="Virtual Removable Disk"),
    dict(SCP_JOB),
]

# Dell iDRAC9 6.x (15G): virtual media under the System, slots 1 and 2; BOSS + PERC disks, two NICs.
sets["dell-idrac9-6x"] = [
    root("Dell", "Integrated Dell Remote Access Controller", "1.17.0", oem={"Dell": {}}),
    col("/redfish/v1/Systems", [S]), col("/redfish/v1/Managers", [M]), session_service(),
    system(S, "Dell Inc.", "PowerEdge R650", M, vm=S + "/VirtualMedia", power="Off",
           targets=["None", "Pxe", "Floppy", "Cd", "Hdd", "BiosSetup", "Utilities", "UefiTarget", "SDCard", "UefiHttp"],
           resets=["On", "ForceOff", "ForceRestart", "GracefulRestart", "GracefulShutdown", "PushPowerButton", "Nmi", "PowerCycle"],
           extra={"Storage": {"@odata.id": S + "/Storage"}, "EthernetInterfaces": {"@odata.id": S + "/EthernetInterfaces"}}),
    # The SCP import action as iDRAC9 and Dell's scripts spell its key: no leading "#" (redfish-vendors.md §7).
    manager(M, "15G Monolithic", "6.10.30.00",
            extra={"Actions": {"Oem": {"OemManager.v1_0_0#OemManager.ImportSystemConfiguration": {
                "target": M + "/Actions/Oem/EID_674_Manager.ImportSystemConfiguration",
                "ShareParameters": {"Target@Redfish.AllowableValues": ["ALL", "IDRAC", "BIOS", "NIC", "RAID"]}}}}}),
    # 6.x/7.x list slot 2 before slot 1 (dell/terraform-provider-redfish#329; bmclib's Dell fixtures); only 1 boots.
    col(S + "/VirtualMedia", [S + "/VirtualMedia/2", S + "/VirtualMedia/1"]),
    slot(S + "/VirtualMedia/1", ["CD", "DVD", "USBStick"], image=OLD, name="VirtualMedia"),
    slot(S + "/VirtualMedia/2", ["CD", "DVD", "USBStick"], name="VirtualMedia"),
    col(S + "/Storage", [S + "/Storage/AHCI.SL.6-1", S + "/Storage/RAID.SL.3-1"]),
    {"@odata.id": S + "/Storage/AHCI.SL.6-1", "Id": "AHCI.SL.6-1", "Name": "BOSS-N1 Monolithic",
     "StorageControllers": [{"Name": "BOSS-N1 Monolithic", "Model": "BOSS-N1 Monolithic"}],
     "Drives": [{"@odata.id": S + "/Storage/AHCI.SL.6-1/Drives/Disk.Direct.0-0:AHCI.SL.6-1"}, {"@odata.id": S + "/Storage/AHCI.SL.6-1/Drives/Disk.Direct.1-1:AHCI.SL.6-1"}]},
    drive(S + "/Storage/AHCI.SL.6-1/Drives/Disk.Direct.0-0:AHCI.SL.6-1", "MTFDKCC480TGP", "2210365AAA01", 480103981056, "SSD", "NVMe", [("EUI", "0x00a075013650aa01")]),
    drive(S + "/Storage/AHCI.SL.6-1/Drives/Disk.Direct.1-1:AHCI.SL.6-1", "MTFDKCC480TGP", "2210365AAA02", 480103981056, "SSD", "NVMe", [("EUI", "0x00a075013650aa02")]),
    {"@odata.id": S + "/Storage/RAID.SL.3-1", "Id": "RAID.SL.3-1", "Name": "PERC H755 Front",
     "StorageControllers": [{"Name": "PERC H755 Front", "Model": "PERC H755 Front"}],
     "Drives": [{"@odata.id": S + "/Storage/RAID.SL.3-1/Drives/Disk.Bay.0:Enclosure.Internal.0-1:RAID.SL.3-1"}]},
    drive(S + "/Storage/RAID.SL.3-1/Drives/Disk.Bay.0:Enclosure.Internal.0-1:RAID.SL.3-1", "ST2400MM0129", "WBN0AB12", 2400476553216, "HDD", "SAS", [("NAA", "5000C500D1234567")]),
    col(S + "/EthernetInterfaces", [S + "/EthernetInterfaces/NIC.Integrated.1-1-1", S + "/EthernetInterfaces/NIC.Integrated.1-2-1"]),
    nic(S + "/EthernetInterfaces/NIC.Integrated.1-1-1", "b4:96:91:a7:3f:d6", "LinkUp", 25000),
    nic(S + "/EthernetInterfaces/NIC.Integrated.1-2-1", "b4:96:91:a7:3f:d7", "LinkDown", 0),
    dict(SCP_JOB),
]

# Dell iDRAC10 (17G): System slots 1/2, Boot only writable through @Redfish.Settings (/Settings).
sets["dell-idrac10"] = [
    root("Dell", "Integrated Dell Remote Access Controller", "1.20.1", oem={"Dell": {}}),
    col("/redfish/v1/Systems", [S]), col("/redfish/v1/Managers", [M]), session_service(),
    system(S, "Dell Inc.", "PowerEdge R670", M, vm=S + "/VirtualMedia", power="Off",
           extra={"@Redfish.Settings": {"SettingsObject": {"@odata.id": S + "/Settings"}}}),
    {"@odata.id": S + "/Settings", "Id": "Settings",
     "Boot": {"BootSourceOverrideEnabled": "Disabled", "BootSourceOverrideTarget": "None",
              "BootSourceOverrideTarget@Redfish.AllowableValues": ["None", "Pxe", "Cd", "Hdd", "BiosSetup", "UefiHttp"]}},
    # iDRAC10's key carries the schema version before the "#" and its target drops the EID_674 name.
    manager(M, "17G Monolithic", "1.30.10.50",
            extra={"Actions": {"Oem": {"#OemManager.v1_3_0.OemManager#OemManager.ImportSystemConfiguration": {
                "target": M + "/Actions/Oem/OemManager.ImportSystemConfiguration",
                "ShareParameters": {"Target@Redfish.AllowableValues": ["ALL", "IDRAC", "BIOS", "NIC", "RAID"]}}}}}),
    col(S + "/VirtualMedia", [S + "/VirtualMedia/2", S + "/VirtualMedia/1"]),
    slot(S + "/VirtualMedia/1", ["CD", "DVD"], name="VirtualMedia", extra={"Description": "Virtual Network File 1"}),
    slot(S + "/VirtualMedia/2", ["CD", "DVD", "USBStick"], image=OLD, name="VirtualMedia", extra={"Description": "Virtual Network File 2"}),
    dict(SCP_JOB),
]

# Lenovo XCC (SR650, fw >= 2.50): Manager slots EXT1..4, Remote1, RDOC1, no actions on any of them.
L_S, L_M = "/redfish/v1/Systems/1", "/redfish/v1/Managers/1"
def lenovo_slots(base):
    return [col(base, [base + "/" + n for n in ["RDOC1", "Remote1", "EXT1", "EXT2"]]),
            slot(base + "/RDOC1", ["CD", "DVD"], actions=False, name="RDOC1"),
            slot(base + "/Remote1", ["CD", "DVD"], actions=False, name="Remote1"),
            slot(base + "/EXT1", ["CD", "DVD"], image=OLD, actions=False, name="EXT1"),
            slot(base + "/EXT2", ["CD", "DVD"], actions=False, name="EXT2")]
sets["lenovo-xcc"] = [
    root("Lenovo", "ThinkSystem SR650", "1.8.0", oem={"Lenovo": {}}),
    col("/redfish/v1/Systems", [L_S]), col("/redfish/v1/Managers", [L_M]), session_service(),
    system(L_S, "Lenovo", "ThinkSystem SR650 -[7X06CTO1WW]-", L_M, power="On", targets=["None", "Pxe", "Cd", "Hdd", "BiosSetup"], enabled_allowed=["Once", "Disabled"],
           resets=["On", "Nmi", "GracefulShutdown", "GracefulRestart", "ForceOn", "ForceOff", "ForceRestart"]),
    manager(L_M, "Lenovo XClarity Controller", "CDI3A4E 5.70", vm=L_M + "/VirtualMedia"),
] + lenovo_slots(L_M + "/VirtualMedia")

# Lenovo XCC2 (SR650 V3): System slots, M.2 boot kit and a link-up port.
sets["lenovo-xcc2"] = [
    root("Lenovo", "ThinkSystem SR650 V3", "1.15.0", oem={"Lenovo": {}}),
    col("/redfish/v1/Systems", [L_S]), col("/redfish/v1/Managers", [L_M]), session_service(),
    system(L_S, "Lenovo", "ThinkSystem SR650 V3", L_M, vm=L_S + "/VirtualMedia", power="Off", targets=["None", "Pxe", "Cd", "Usb", "Hdd", "BiosSetup", "UefiTarget"],
           enabled_allowed=["Once", "Disabled"],
           extra={"Storage": {"@odata.id": L_S + "/Storage"}, "EthernetInterfaces": {"@odata.id": L_S + "/EthernetInterfaces"},
                  "BootProgress": {"LastState": "None"}}),
    manager(L_M, "Lenovo XClarity Controller 2", "ESX312R 1.40"),
    col(L_S + "/Storage", [L_S + "/Storage/RAID_M2", L_S + "/Storage/RAID_Slot3"]),
    {"@odata.id": L_S + "/Storage/RAID_M2", "Id": "RAID_M2", "Name": "ThinkSystem M.2 NVMe 2-Bay RAID Enablement Kit",
     "StorageControllers": [{"Name": "ThinkSystem M.2 NVMe 2-Bay RAID Enablement Kit", "Model": "ThinkSystem M.2 NVMe 2-Bay RAID Enablement Kit"}],
     "Drives": [{"@odata.id": L_S + "/Storage/RAID_M2/Drives/Disk.0"}]},
    drive(L_S + "/Storage/RAID_M2/Drives/Disk.0", "ThinkSystem M.2 7450 PRO 480GB", "S6EWNA0T100001", 480103981056, "SSD", "NVMe", [("EUI", "0x0025384c21000001")]),
    {"@odata.id": L_S + "/Storage/RAID_Slot3", "Id": "RAID_Slot3", "Name": "ThinkSystem RAID 940-16i",
     "StorageControllers": [{"Name": "RAID 940-16i", "Model": "ThinkSystem RAID 940-16i 8GB Flash"}],
     "Drives": [{"@odata.id": L_S + "/Storage/RAID_Slot3/Drives/Disk.1"}]},
    drive(L_S + "/Storage/RAID_Slot3/Drives/Disk.1", "MZ7L33T8HBLT", "S6ERNE0T200001", 3840755982336, "SSD", "SATA", [("NAA", "5002538f42000001")]),
    col(L_S + "/EthernetInterfaces", [L_S + "/EthernetInterfaces/NIC1", L_S + "/EthernetInterfaces/NIC2"]),
    nic(L_S + "/EthernetInterfaces/NIC1", "7c:d3:0a:11:22:30", "LinkDown", None),
    nic(L_S + "/EthernetInterfaces/NIC2", "7c:d3:0a:11:22:31", "LinkUp", 10000),
] + lenovo_slots(L_S + "/VirtualMedia")

# HPE iLO 5 (DL325 Gen10 Plus): Manager slots 1 (floppy) and 2 (CD), OEM BootOnNextServerReset, PostState.
H_S, H_M = "/redfish/v1/Systems/1", "/redfish/v1/Managers/1"
sets["hpe-ilo5"] = [
    root("HPE", "ProLiant DL325 Gen10 Plus", "1.6.0", oem={"Hpe": {"Manager": [{"ManagerType": "iLO 5"}]}}),
    col("/redfish/v1/Systems", [H_S]), col("/redfish/v1/Managers", [H_M]), session_service(),
    system(H_S, "HPE", "ProLiant DL325 Gen10 Plus", H_M, power="On",
           targets=["None", "Cd", "Hdd", "Usb", "SDCard", "Utilities", "Diags", "BiosSetup", "Pxe", "UefiShell", "UefiHttp", "UefiTarget"],
           resets=["On", "ForceOff", "GracefulShutdown", "ForceRestart", "Nmi", "PushPowerButton", "GracefulRestart"],
           extra={"Oem": {"Hpe": {"PostState": "FinishedPost"}}}),
    manager(H_M, "iLO 5", "iLO 5 v2.78", vm=H_M + "/VirtualMedia"),
    col(H_M + "/VirtualMedia", [H_M + "/VirtualMedia/1", H_M + "/VirtualMedia/2"]),
    slot(H_M + "/VirtualMedia/1", ["Floppy", "USBStick"], extra={"Oem": {"Hpe": {"BootOnNextServerReset": False}}}),
    slot(H_M + "/VirtualMedia/2", ["CD", "DVD"], image=OLD,
         extra={"Oem": {"Hpe": {"BootOnNextServerReset": False,
                                "Actions": {"#HpeiLOVirtualMedia.EjectVirtualMedia": {"target": H_M + "/VirtualMedia/2/Actions/Oem/Hpe/HpeiLOVirtualMedia.EjectVirtualMedia"},
                                            "#HpeiLOVirtualMedia.InsertVirtualMedia": {"target": H_M + "/VirtualMedia/2/Actions/Oem/Hpe/HpeiLOVirtualMedia.InsertVirtualMedia"}}}}}),
]

# Supermicro X12 (SYS-510T-MR, Redfish 1.14): Manager slot CD1, UsbCd boot target, ActionInfo for Reset.
U_S, U_M = "/redfish/v1/Systems/1", "/redfish/v1/Managers/1"
sets["supermicro-x12"] = [
    root("Supermicro", None, "1.14.0", oem={"Supermicro": {}}),
    col("/redfish/v1/Systems", [U_S]), col("/redfish/v1/Managers", [U_M]), session_service(),
    system(U_S, "Supermicro", "SYS-510T-MR", U_M, vm=U_M + "/VirtualMedia", power="Off",
           targets=["None", "Pxe", "Floppy", "Cd", "Usb", "Hdd", "BiosSetup", "UsbCd", "UefiBootNext", "UefiHttp"],
           extra={"SKU": "X12STH-SYS"}),
    manager(U_M, "X12STH-SYS", "01.00.50", vm=U_M + "/VirtualMedia"),
    col(U_M + "/VirtualMedia", [U_M + "/VirtualMedia/CD1", U_M + "/VirtualMedia/USB1"]),
    slot(U_M + "/VirtualMedia/CD1", ["CD", "DVD"], image=OLD, name="Virtual CD"),
    slot(U_M + "/VirtualMedia/USB1", ["USBStick"], name="Virtual Removable Media"),
]
# Supermicro's Reset action points at an ActionInfo resource instead of inline AllowableValues.
sm_sys = sets["supermicro-x12"][4]
sm_sys["Actions"]["#ComputerSystem.Reset"] = {"target": U_S + "/Actions/ComputerSystem.Reset", "@Redfish.ActionInfo": U_S + "/ResetActionInfo"}
sets["supermicro-x12"].append({"@odata.id": U_S + "/ResetActionInfo", "Id": "ResetActionInfo",
    "Parameters": [{"Name": "ResetType", "Required": True, "DataType": "String",
                    "AllowableValues": ["On", "ForceOff", "GracefulShutdown", "GracefulRestart", "ForceRestart", "Nmi", "ForceOn"]}]})

# Generic DMTF (public-rackmount1 style): System slot CD1 with actions, no vendor, Basic auth only.
G_S, G_M = "/redfish/v1/Systems/437XR1138R2", "/redfish/v1/Managers/BMC"
sets["generic"] = [
    root(None, None, "1.15.0", sessions=False),
    col("/redfish/v1/Systems", [G_S]), col("/redfish/v1/Managers", [G_M]),
    system(G_S, "Contoso", "3500", G_M, vm=G_S + "/VirtualMedia", power="On",
           targets=["None", "Pxe", "Cd", "Usb", "Hdd", "BiosSetup", "Utilities", "Diags", "UefiShell", "UefiTarget", "SDCard", "UefiHttp", "RemoteDrive", "UefiBootNext"],
           resets=["On", "ForceOff", "GracefulShutdown", "GracefulRestart", "ForceRestart", "Nmi", "ForceOn", "PushPowerButton"],
           extra={"SimpleStorage": {"@odata.id": G_S + "/SimpleStorage"}, "EthernetInterfaces": {"@odata.id": G_S + "/EthernetInterfaces"},
                  "BootProgress": {"LastState": "OSRunning"}}),
    manager(G_M, "Joo Janta 200", "4.4.6521"),
    col(G_S + "/VirtualMedia", [G_S + "/VirtualMedia/CD1"]),
    slot(G_S + "/VirtualMedia/CD1", ["CD", "DVD"], image=OLD, connected="URI"),
    col(G_S + "/SimpleStorage", [G_S + "/SimpleStorage/1"]),
    {"@odata.id": G_S + "/SimpleStorage/1", "Name": "Simple Storage Controller",
     "Devices": [{"Name": "SATA Bay 1", "Manufacturer": "Contoso", "Model": "3000GT8", "CapacityBytes": 8000000000000},
                 {"Name": "SATA Bay 2", "Manufacturer": "Contoso", "Model": "3000GT7", "CapacityBytes": 4000000000000}]},
    col(G_S + "/EthernetInterfaces", [G_S + "/EthernetInterfaces/12446A3B0411"]),
    nic(G_S + "/EthernetInterfaces/12446A3B0411", "12:44:6A:3B:04:11", "LinkUp", 1000),
]

here = os.path.dirname(os.path.abspath(__file__))
for name, resources in sets.items():
    base = os.path.join(here, name)
    shutil.rmtree(base, ignore_errors=True)
    for resource in resources:
        path = os.path.join(base, resource["@odata.id"].lstrip("/") + ".json")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            json.dump(resource, f, indent=2, sort_keys=True)
            f.write("\n")
print("wrote", sum(len(r) for r in sets.values()), "resources in", len(sets), "sets")
