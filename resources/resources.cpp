// The resources library has no code of its own: its content is the .qrc data.
namespace sluice { int resourcesLibraryAnchor() { return 0; } }
