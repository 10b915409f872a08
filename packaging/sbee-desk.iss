; Inno Setup script: a Windows installer of the packaged application (dist\sbee-desk\).
; UNTESTED: written and kept here for the agencies' Windows workstations, never run on
; the project's Linux machines (README, « Paquet Windows »). Build on Windows:
;   1. py -m venv .venv-package; .venv-package\Scripts\pip install -e . "pyinstaller>=6.10"
;   2. .venv-package\Scripts\pyinstaller --noconfirm packaging\sbee-desk.spec
;   3. "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" packaging\sbee-desk.iss
; It gives dist\sbee-desk-0.1.0-setup.exe. The data (database, logs) is in the user's
; profile (%LOCALAPPDATA%\sbee-desk), never in the installation folder: uninstalling
; or reinstalling the application leaves it in place.

#define AppName "sbee-desk"
#define AppVersion "0.1.0"
#define AppPublisher "SBEE — section recouvrement"

[Setup]
AppId={{6F0C2A0E-3B7C-4C61-9C55-5B1E2C7A4D17}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; installed for every user of the workstation by an administrator; a user without
; administrator rights may install it for themselves only (the dialog asks)
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\dist
OutputBaseFilename={#AppName}-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\sbee-desk.exe
; SetupIconFile=sbee-desk.ico   ; once the agency has an icon (packaging\sbee-desk.ico)

[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"

[Tasks]
Name: "desktopicon"; Description: "Créer un raccourci sur le Bureau"; GroupDescription: "Raccourcis :"

[Files]
Source: "..\dist\sbee-desk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
; the Start menu entry and the desktop shortcut open the window (sbee-desk.exe, no console)
Name: "{group}\sbee-desk"; Filename: "{app}\sbee-desk.exe"; WorkingDir: "{userdocs}"; Comment: "Résiliation d'office et dépose de compteur"
Name: "{group}\Journaux de sbee-desk"; Filename: "{localappdata}\sbee-desk\Logs"
Name: "{group}\Désinstaller sbee-desk"; Filename: "{uninstallexe}"
Name: "{autodesktop}\sbee-desk"; Filename: "{app}\sbee-desk.exe"; WorkingDir: "{userdocs}"; Tasks: desktopicon

[Run]
Filename: "{app}\sbee-desk.exe"; Description: "Ouvrir sbee-desk"; Flags: nowait postinstall skipifsilent
