# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'derogation_dialog.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractButton, QApplication, QCheckBox, QDateEdit,
    QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
    QLabel, QLineEdit, QSizePolicy, QSpacerItem,
    QVBoxLayout, QWidget)

class Ui_DerogationDialog(object):
    def setupUi(self, DerogationDialog):
        if not DerogationDialog.objectName():
            DerogationDialog.setObjectName(u"DerogationDialog")
        DerogationDialog.resize(560, 300)
        DerogationDialog.setMinimumSize(QSize(560, 0))
        self.verticalLayout = QVBoxLayout(DerogationDialog)
        self.verticalLayout.setObjectName(u"verticalLayout")
        self.titleLabel = QLabel(DerogationDialog)
        self.titleLabel.setObjectName(u"titleLabel")
        self.titleLabel.setStyleSheet(u"font-weight: bold;")
        self.titleLabel.setWordWrap(True)

        self.verticalLayout.addWidget(self.titleLabel)

        self.dialogHint = QLabel(DerogationDialog)
        self.dialogHint.setObjectName(u"dialogHint")
        self.dialogHint.setStyleSheet(u"QLabel#dialogHint { color: #3d4b5c; }")
        self.dialogHint.setWordWrap(True)

        self.verticalLayout.addWidget(self.dialogHint)

        self.formLayout = QFormLayout()
        self.formLayout.setObjectName(u"formLayout")
        self.referenceLabel = QLabel(DerogationDialog)
        self.referenceLabel.setObjectName(u"referenceLabel")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.referenceLabel)

        self.derogationReference = QLineEdit(DerogationDialog)
        self.derogationReference.setObjectName(u"derogationReference")
        self.derogationReference.setMaxLength(100)

        self.formLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.derogationReference)

        self.decidedLabel = QLabel(DerogationDialog)
        self.decidedLabel.setObjectName(u"decidedLabel")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.decidedLabel)

        self.derogationDecidedOn = QDateEdit(DerogationDialog)
        self.derogationDecidedOn.setObjectName(u"derogationDecidedOn")
        self.derogationDecidedOn.setDisplayFormat(u"dd/MM/yyyy")
        self.derogationDecidedOn.setCalendarPopup(True)

        self.formLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.derogationDecidedOn)

        self.validLabel = QLabel(DerogationDialog)
        self.validLabel.setObjectName(u"validLabel")

        self.formLayout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.validLabel)

        self.untilRow = QHBoxLayout()
        self.untilRow.setObjectName(u"untilRow")
        self.derogationLimited = QCheckBox(DerogationDialog)
        self.derogationLimited.setObjectName(u"derogationLimited")

        self.untilRow.addWidget(self.derogationLimited)

        self.derogationValidUntil = QDateEdit(DerogationDialog)
        self.derogationValidUntil.setObjectName(u"derogationValidUntil")
        self.derogationValidUntil.setEnabled(False)
        self.derogationValidUntil.setDisplayFormat(u"dd/MM/yyyy")
        self.derogationValidUntil.setCalendarPopup(True)

        self.untilRow.addWidget(self.derogationValidUntil)

        self.untilHint = QLabel(DerogationDialog)
        self.untilHint.setObjectName(u"untilHint")

        self.untilRow.addWidget(self.untilHint)

        self.untilSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.untilRow.addItem(self.untilSpacer)


        self.formLayout.setLayout(2, QFormLayout.ItemRole.FieldRole, self.untilRow)

        self.documentLabel = QLabel(DerogationDialog)
        self.documentLabel.setObjectName(u"documentLabel")

        self.formLayout.setWidget(3, QFormLayout.ItemRole.LabelRole, self.documentLabel)

        self.derogationDocument = QLineEdit(DerogationDialog)
        self.derogationDocument.setObjectName(u"derogationDocument")
        self.derogationDocument.setMaxLength(200)

        self.formLayout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.derogationDocument)


        self.verticalLayout.addLayout(self.formLayout)

        self.derogationProblem = QLabel(DerogationDialog)
        self.derogationProblem.setObjectName(u"derogationProblem")
        self.derogationProblem.setStyleSheet(u"color: #842029;")
        self.derogationProblem.setWordWrap(True)

        self.verticalLayout.addWidget(self.derogationProblem)

        self.buttons = QDialogButtonBox(DerogationDialog)
        self.buttons.setObjectName(u"buttons")

        self.verticalLayout.addWidget(self.buttons)

#if QT_CONFIG(shortcut)
        self.referenceLabel.setBuddy(self.derogationReference)
        self.decidedLabel.setBuddy(self.derogationDecidedOn)
        self.documentLabel.setBuddy(self.derogationDocument)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.derogationReference, self.derogationDecidedOn)
        QWidget.setTabOrder(self.derogationDecidedOn, self.derogationLimited)
        QWidget.setTabOrder(self.derogationLimited, self.derogationValidUntil)
        QWidget.setTabOrder(self.derogationValidUntil, self.derogationDocument)

        self.retranslateUi(DerogationDialog)
        self.derogationLimited.toggled.connect(self.derogationValidUntil.setEnabled)

        QMetaObject.connectSlotsByName(DerogationDialog)
    # setupUi

    def retranslateUi(self, DerogationDialog):
        DerogationDialog.setWindowTitle(QCoreApplication.translate("DerogationDialog", u"D\u00e9rogation DG", None))
        self.referenceLabel.setText(QCoreApplication.translate("DerogationDialog", u"&R\u00e9f\u00e9rence de la d\u00e9cision :", None))
        self.derogationReference.setPlaceholderText(QCoreApplication.translate("DerogationDialog", u"ex. DG/2026/0142", None))
        self.decidedLabel.setText(QCoreApplication.translate("DerogationDialog", u"&Date de la d\u00e9cision :", None))
        self.validLabel.setText(QCoreApplication.translate("DerogationDialog", u"Valable :", None))
        self.derogationLimited.setText(QCoreApplication.translate("DerogationDialog", u"jusqu'au", None))
        self.untilHint.setText(QCoreApplication.translate("DerogationDialog", u"(sans limite si non coch\u00e9)", None))
        self.documentLabel.setText(QCoreApplication.translate("DerogationDialog", u"R\u00e9f\u00e9rence du &document scann\u00e9 :", None))
        self.derogationDocument.setPlaceholderText(QCoreApplication.translate("DerogationDialog", u"Facultative : cote du courrier scann\u00e9", None))
    # retranslateUi

